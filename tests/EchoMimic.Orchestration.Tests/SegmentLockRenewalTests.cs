using EchoMimic.Core.Jobs;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.Worker.Stitching;
using EchoMimic.Worker;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EchoMimic.Orchestration.Tests;

/// <summary>
/// The worker keeps a segment's lock while it renders, on a fake clock: the queue and the worker share one
/// <see cref="FakeTimeProvider"/>, the render waits until the test lets it finish, and the clock is moved in steps of
/// the renew interval past several lock durations. No real time passes, so load cannot make it flake.
/// </summary>
public sealed class SegmentLockRenewalTests : IDisposable
{
    private static readonly TimeSpan Lock = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RealLimit = TimeSpan.FromMinutes(2);
    private readonly string root = Directory.CreateTempSubdirectory("lock-renewal-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Lock_is_renewed_every_third_of_its_duration_while_the_segment_renders()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));
        var segments = new InMemorySegmentQueue(timeProvider: clock);
        var results = new InMemoryResultQueue();
        var renderer = new GatedRenderer();
        var options = new SegmentWorkerOptions("worker-lock") { LockDuration = Lock, ScratchRoot = Path.Combine(root, "scratch") };
        var worker = new SegmentWorker(segments, results, blobs, new TestPreparer(blobs), renderer, new FfmpegStitcher(blobs, root), options, clock);
        var task = new SegmentTask("job-l", new Segment(0, 0, 24, 0, 24), 1, 1, RenderSettings.Accelerated with { Width = 64, Height = 64 },
            JobBlobs.Prepared("job-l").ToString(), JobBlobs.Clip("job-l", 0).ToString(), JobBlobs.Latents("job-l", 0).ToString(), DateTimeOffset.UnixEpoch);
        await blobs.PutJsonAsync(BlobPath.Parse(task.PreparedBlob), new PreparedJob("job-l", 24, 24, 1, "h", "uploads/l/ref.png",
            "uploads/l/a.wav", "work/job-l/f.bin", "work/job-l/pose/"), overwrite: false, Ct);
        await segments.SendAsync([new QueueMessage<SegmentTask>(task.MessageId, task)], Ct);
        var lease = new CountingLease(await segments.ReceiveAsync(Lock, TimeSpan.Zero, Ct) ?? throw new InvalidOperationException("no task"));

        var processing = worker.ProcessAsync(lease, Ct);
        await renderer.Started.WaitAsync(RealLimit, Ct);
        for (var renewal = 1; renewal <= 6; renewal++)
        {
            clock.Advance(options.RenewInterval);
            await lease.WaitForRenewalsAsync(renewal, RealLimit);
            // Still locked to this worker: no other receiver gets the task.
            Assert.Null(await segments.ReceiveAsync(Lock, TimeSpan.Zero, Ct));
        }

        // Two lock durations have passed on the clock; the render finishes and the task is settled once.
        Assert.True(clock.GetUtcNow() - lease.ReceivedAt >= 2 * Lock);
        renderer.Finish();
        await processing.WaitAsync(RealLimit, Ct);
        await using var result = await results.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(SegmentOutcome.Succeeded, result!.Body.Outcome);
        Assert.Equal(0, segments.Count);
    }

    /// <summary>Renders the test pattern once the test says so; until then it is "rendering".</summary>
    private sealed class GatedRenderer : ISegmentRenderer
    {
        private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource finish = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => started.Task;

        public void Finish() => finish.TrySetResult();

        public async Task<RenderedSegment> RenderAsync(SegmentRenderRequest request, CancellationToken cancellationToken)
        {
            started.TrySetResult();
            await finish.Task.WaitAsync(cancellationToken);
            return await new TestPatternRenderer().RenderAsync(request, cancellationToken);
        }
    }

    /// <summary>The worker's lease, counting renewals so the test waits on each one instead of on time.</summary>
    private sealed class CountingLease(IMessageLease<SegmentTask> inner) : IMessageLease<SegmentTask>
    {
        private readonly SemaphoreSlim renewed = new(0);
        private int renewals;

        public DateTimeOffset ReceivedAt { get; } = inner.LockedUntil - Lock;

        public string MessageId => inner.MessageId;

        public SegmentTask Body => inner.Body;

        public int DeliveryCount => inner.DeliveryCount;

        public DateTimeOffset LockedUntil => inner.LockedUntil;

        public async Task RenewAsync(CancellationToken cancellationToken)
        {
            await inner.RenewAsync(cancellationToken);
            Interlocked.Increment(ref renewals);
            renewed.Release();
        }

        public async Task WaitForRenewalsAsync(int count, TimeSpan limit)
        {
            while (Volatile.Read(ref renewals) < count)
            {
                if (!await renewed.WaitAsync(limit, Ct)) throw new TimeoutException($"renewal {count} did not happen (real-time limit {limit})");
            }
        }

        public Task CompleteAsync(CancellationToken cancellationToken) => inner.CompleteAsync(cancellationToken);

        public Task AbandonAsync(string reason, CancellationToken cancellationToken) => inner.AbandonAsync(reason, cancellationToken);

        public Task DeadLetterAsync(string reason, CancellationToken cancellationToken) => inner.DeadLetterAsync(reason, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
