using System.Text.Json;
using EchoMimic.Core;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.Worker;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Infrastructure.Tests.Azure.ServiceBusDouble;
using EchoMimic.Orchestration.Activities;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.Tests;

/// <summary>
/// Long videos: the stitch request of a 2,000-segment job (~2.8 h at 24 fps, 120-frame segments; ~600 KB of JSON)
/// goes through the real dispatch activity and the Service Bus adapter over the double, which enforces the 256 KB
/// message limit, and reaches the stitcher intact because the request travels as a blob.
/// </summary>
public sealed class LargeStitchRequestTests : IDisposable
{
    private const string JobId = "job-long";
    private const int SegmentCount = 2000;
    private readonly string root = Directory.CreateTempSubdirectory("large-stitch-").FullName;
    private readonly FileSystemBlobStore blobs;

    public LargeStitchRequestTests() => blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stitch_request_of_a_2000_segment_job_is_dispatched_through_service_bus_and_reaches_the_stitcher_intact()
    {
        var request = LongRequest();
        var requestJson = JsonSerializer.Serialize(request, MessageJson.Options);
        Assert.True(requestJson.Length > 256 * 1024, $"the request should outgrow a Service Bus message, is {requestJson.Length} bytes");
        var entity = new InMemoryServiceBusEntity("segments", TimeSpan.FromMinutes(5), 5, TimeSpan.FromHours(2));
        await using var segments = new ServiceBusSegmentQueue(new InMemoryServiceBusClient(entity), "segments", 5);
        var inline = SegmentTask.ForStitch(JobId, 1, RenderSettings.Accelerated, JobBlobs.Prepared(JobId).ToString(), request, DateTimeOffset.UnixEpoch);

        // The old shape (the request inside the message) does not fit: the limit this change removes is real.
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            segments.SendAsync([new QueueMessage<SegmentTask>(inline.MessageId, inline)], Ct));

        var task = inline with { StitchBlob = JobBlobs.StitchRequest(JobId).ToString() };
        await new DispatchSegmentActivity(segments, blobs).RunAsync(new ActivityContext(), task);

        var lease = await segments.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5), Ct);
        Assert.NotNull(lease);
        Assert.Null(lease.Body.Stitch);
        Assert.Equal("work/job-long/stitch-request.json", lease.Body.StitchBlob);
        Assert.Equal(SegmentCount, lease.Body.SegmentCount);
        var messageBytes = JsonSerializer.SerializeToUtf8Bytes(lease.Body, MessageJson.Options).Length;
        Assert.True(messageBytes < 2048, $"a stitch message should not grow with the job, is {messageBytes} bytes");

        var stitcher = new CapturingStitcher();
        var results = new InMemoryResultQueue();
        await Worker(segments, results, stitcher).ProcessAsync(lease, Ct);
        await lease.DisposeAsync();

        Assert.NotNull(stitcher.Received);
        Assert.Equal(requestJson, JsonSerializer.Serialize(stitcher.Received, MessageJson.Options));
        await using var reported = await results.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct);
        Assert.Equal(SegmentOutcome.Succeeded, reported!.Body.Outcome);
        Assert.Equal(WorkKind.Stitch, reported.Body.Kind);
        Assert.Equal(request.Prepared.FrameCount, reported.Body.Stitched!.FrameCount);
    }

    [Fact]
    public async Task Redispatched_stitch_rewrites_the_same_blob_and_a_missing_blob_is_reported_as_a_failure()
    {
        var queue = new InMemorySegmentQueue();
        var request = LongRequest();
        var task = SegmentTask.ForStitch(JobId, 1, RenderSettings.Accelerated, JobBlobs.Prepared(JobId).ToString(), request,
            DateTimeOffset.UnixEpoch) with { StitchBlob = JobBlobs.StitchRequest(JobId).ToString() };
        var dispatch = new DispatchSegmentActivity(queue, blobs);
        await dispatch.RunAsync(new ActivityContext(), task);
        var first = await blobs.ReadBytesAsync(JobBlobs.StitchRequest(JobId), Ct);
        await dispatch.RunAsync(new ActivityContext(), task with { Attempt = 2 });
        Assert.Equal(first, await blobs.ReadBytesAsync(JobBlobs.StitchRequest(JobId), Ct));
        Assert.Equal(2, queue.Count);

        // A worker that finds no request (deleted, or a foreign message) reports a failure; the orchestrator re-dispatches.
        await blobs.DeleteAsync(JobBlobs.StitchRequest(JobId), Ct);
        var results = new InMemoryResultQueue();
        var stitcher = new CapturingStitcher();
        await using (var lease = await queue.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct))
        {
            await Worker(queue, results, stitcher).ProcessAsync(lease!, Ct);
        }

        await using var reported = await results.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct);
        Assert.Equal(SegmentOutcome.Failed, reported!.Body.Outcome);
        Assert.Contains("stitch request work/job-long/stitch-request.json does not exist", reported.Body.Error, StringComparison.Ordinal);
        Assert.Null(stitcher.Received);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static StitchRequest LongRequest()
    {
        var plan = new SegmentPlanner(SegmentPlanner.DefaultSegmentLength, SegmentPlanner.MinimumOverlap).Plan(SegmentCount * 120);
        Assert.Equal(SegmentCount, plan.Segments.Count);
        var prepared = new PreparedJob(JobId, plan.FrameCount, 24, plan.FrameCount / 24.0, "0123456789abcdef",
            "uploads/long/ref.png", "uploads/long/speech.wav", "work/prepared/0123456789abcdef/audio.bin", "work/prepared/0123456789abcdef/pose/");
        var started = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        var stitched = plan.Segments.Select(s => new StitchSegment(s, JobBlobs.Clip(JobId, s.Index).ToString(),
            JobBlobs.Latents(JobId, s.Index).ToString(), $"gpu-worker-{s.Index % 37:D4}", 1 + (s.Index % 3),
            started.AddSeconds(s.Index), started.AddSeconds(s.Index + 41.5), s.Index % 5 == 0)).ToList();
        return new StitchRequest(prepared, stitched, JobBlobs.Video(JobId, "video.mp4").ToString(), JobBlobs.Poster(JobId).ToString(),
            JobBlobs.Report(JobId).ToString(), new Dictionary<string, string> { ["jobId"] = JobId, ["segmentLength"] = "120" });
    }

    private SegmentWorker Worker(ISegmentQueue segments, IResultQueue results, IClipStitcher stitcher) =>
        new(segments, results, blobs, new TestPreparer(blobs), new TestPatternRenderer(), stitcher,
            new SegmentWorkerOptions("worker-long") { ScratchRoot = Path.Combine(root, "scratch") }, TimeProvider.System);

    private sealed class ActivityContext : TaskActivityContext
    {
        public override TaskName Name => nameof(DispatchSegmentActivity);

        public override string InstanceId => JobId;
    }

    /// <summary>Records the request instead of running ffmpeg (no rendering in this test).</summary>
    private sealed class CapturingStitcher : IClipStitcher
    {
        public StitchRequest? Received { get; private set; }

        public Task<StitchResult> StitchAsync(StitchRequest request, CancellationToken cancellationToken)
        {
            Received = request;
            return Task.FromResult(new StitchResult(request.VideoBlob, request.PosterBlob, request.ReportBlob,
                request.Prepared.FrameCount, request.Prepared.AudioSeconds, null));
        }
    }
}
