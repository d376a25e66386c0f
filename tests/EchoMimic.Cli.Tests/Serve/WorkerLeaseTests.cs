using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.Worker;
using EchoMimic.Infrastructure.Azure;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary>
/// The segment lease on the Azure Storage queue (Azurite): a worker with a short lease keeps a segment hidden for as
/// long as it renders (renewing every third of the lease), while a competing receiver polls the queue. The renderer
/// is a stand-in that only takes time (three leases long), because the lease, not the picture, is under test.
/// </summary>
public sealed class WorkerLeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_short_lease_is_renewed_while_a_segment_renders_for_longer_than_the_lease()
    {
        await using var azurite = await Azurite.StartAsync();
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var segments = new AzureStorageSegmentQueue(queues);
        var results = new AzureResultQueue(queues);
        var blobs = new AzureBlobStore(new BlobServiceClient(azurite.ConnectionString));
        var prepared = new PreparedJob("lease-job", 24, 24, 1.0, "hash", "uploads/l/ref.png", "uploads/l/speech.wav", "work/lease-job/audio.bin", "work/lease-job/poses/");
        await blobs.PutJsonAsync(BlobPath.Parse("work/lease-job/prepared.json"), prepared, true, Ct);
        var task = new SegmentTask("lease-job", new Segment(0, 0, 24, 0, 24), 1, 1, RenderSettings.Accelerated, "work/lease-job/prepared.json",
            "work/lease-job/segments/0000.mp4", "work/lease-job/segments/0000.latents", DateTimeOffset.UtcNow);

        // Control: an unrenewed lease does expire within this test's polling, so the check below can fail.
        await segments.SendAsync([new QueueMessage<SegmentTask>(task.MessageId, task)], Ct);
        var unrenewed = await segments.ReceiveAsync(Lease, TimeSpan.FromSeconds(5), Ct);
        Assert.NotNull(unrenewed);
        var expiredAfter = await PollForStolenAsync(segments, () => false, TimeSpan.FromSeconds(10));
        Assert.NotNull(expiredAfter);

        // The worker renders for three leases; the competitor must never see the message meanwhile.
        var scratch = Directory.CreateTempSubdirectory("lease-").FullName;
        var renderer = new SlowRenderer(Lease * 3);
        var worker = new SegmentWorker(segments, results, blobs, new NoPreparer(), renderer, new EchoMimic.Worker.Stitching.FfmpegStitcher(blobs, scratch),
            new SegmentWorkerOptions("lease-worker") { LockDuration = Lease, ScratchRoot = scratch }, TimeProvider.System);
        var lease = await segments.ReceiveAsync(Lease, TimeSpan.FromSeconds(5), Ct);
        Assert.NotNull(lease);
        await using (lease)
        {
            var processing = worker.ProcessAsync(lease, Ct);
            var stolen = await PollForStolenAsync(segments, () => processing.IsCompleted, TimeSpan.FromMinutes(1));
            await processing;
            Assert.Null(stolen);
        }

        Assert.True(renderer.Took > Lease * 2, $"render took {renderer.Took}, not longer than the lease");
        var result = await results.ReceiveAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), Ct);
        Assert.NotNull(result);
        Assert.Equal(SegmentOutcome.Succeeded, result.Body.Outcome);
        Assert.False(result.Body.Reused);
        await result.CompleteAsync(Ct);
        await result.DisposeAsync();
        Assert.Null(await segments.ReceiveAsync(Lease, TimeSpan.FromSeconds(2), Ct)); // completed: gone for good
        Directory.Delete(scratch, recursive: true);
    }

    /// <summary>Receives from the queue every 250 ms until <paramref name="done"/>; returns how long until a message was taken.</summary>
    private static async Task<TimeSpan?> PollForStolenAsync(ISegmentQueue segments, Func<bool> done, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < limit)
        {
            var taken = await segments.ReceiveAsync(TimeSpan.FromSeconds(1), TimeSpan.Zero, Ct);
            if (taken is not null)
            {
                await using (taken)
                {
                    await taken.AbandonAsync("test competitor gives it back", Ct);
                }

                return clock.Elapsed;
            }

            await Task.Delay(250, Ct);
        }

        return null;
    }

    /// <summary>Takes <paramref name="duration"/> (honouring cancellation) and writes a placeholder clip file.</summary>
    private sealed class SlowRenderer(TimeSpan duration) : ISegmentRenderer
    {
        public TimeSpan Took { get; private set; }

        public async Task<RenderedSegment> RenderAsync(SegmentRenderRequest request, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            await Task.Delay(duration, cancellationToken);
            var clip = Path.Combine(request.ScratchDirectory, "clip.mp4");
            await File.WriteAllBytesAsync(clip, [1, 2, 3], cancellationToken);
            Took = clock.Elapsed;
            return new RenderedSegment(clip, request.Task.Segment.RenderedFrames);
        }
    }

    /// <summary>This test sends segment tasks only; a prepare task reaching this worker would be a bug.</summary>
    private sealed class NoPreparer : IJobPreparer
    {
        public Task<PreparedJob> PrepareAsync(string jobId, RenderJobSpec spec, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a segment-only test prepares nothing");
    }
}
