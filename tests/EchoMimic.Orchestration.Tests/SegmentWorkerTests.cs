using EchoMimic.Core.Jobs;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.Worker.Stitching;
using EchoMimic.Worker;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Orchestration.Tests;

public sealed class SegmentWorkerTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("worker-").FullName;
    private TestPreparer? preparer;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Redelivered_task_whose_clip_exists_is_re_reported_without_rendering()
    {
        var (blobs, segments, results, renderer, worker) = Build();
        var task = Task(attempt: 2);
        await blobs.PutTextAsync(BlobPath.Parse(task.ClipBlob), "committed by attempt 1", overwrite: false, Ct);
        await segments.SendAsync([new QueueMessage<SegmentTask>(task.MessageId, task)], Ct);

        await worker.ProcessAsync((await segments.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct))!, Ct);

        Assert.Empty(renderer.Rendered);
        await using var lease = await results.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct);
        var result = lease!.Body;
        Assert.Equal(SegmentOutcome.Succeeded, result.Outcome);
        Assert.True(result.Reused);
        Assert.Equal(2, result.Attempt);
        Assert.Equal(task.ClipBlob, result.ClipBlob);
        Assert.Equal(0, segments.Count);
    }

    [Fact]
    public async Task Render_failure_is_reported_with_its_reason_and_the_task_settled()
    {
        var (blobs, segments, results, renderer, worker) = Build();
        renderer.Script = _ => TestPatternRenderer.Behaviour.Fail;
        var task = Task(attempt: 1);
        await blobs.PutJsonAsync(BlobPath.Parse(task.PreparedBlob), new PreparedJob("job-w", 48, 24, 2, "h", "uploads/w/ref.png",
            "uploads/w/a.wav", "work/job-w/f.bin", "work/job-w/pose/"), overwrite: false, Ct);
        await segments.SendAsync([new QueueMessage<SegmentTask>(task.MessageId, task)], Ct);

        await worker.ProcessAsync((await segments.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct))!, Ct);

        await using var lease = await results.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct);
        Assert.Equal(SegmentOutcome.Failed, lease!.Body.Outcome);
        Assert.Equal("InvalidOperationException: scripted failure of segment 1 attempt 1", lease.Body.Error);
        Assert.Null(await blobs.GetInfoAsync(BlobPath.Parse(task.ClipBlob), Ct));
        Assert.Equal(0, segments.Count);
    }

    [Fact]
    public async Task Redelivered_prepare_and_stitch_tasks_whose_outputs_exist_re_report_them()
    {
        var (blobs, segments, results, _, worker) = Build();
        var prepared = new PreparedJob("job-w", 48, 24, 2, "h", "uploads/w/ref.png", "uploads/w/a.wav", "work/job-w/f.bin", "work/job-w/pose/");
        await blobs.PutJsonAsync(JobBlobs.Prepared("job-w"), prepared, overwrite: false, Ct);
        var segment = new Segment(0, 0, 48, 0, 48);
        var request = new StitchRequest(prepared, [new StitchSegment(segment, JobBlobs.Clip("job-w", 0).ToString(), null, "w", 1,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, false)], JobBlobs.Video("job-w", "video.mp4").ToString(),
            JobBlobs.Poster("job-w").ToString(), JobBlobs.Report("job-w").ToString());
        await blobs.PutJsonAsync(JobBlobs.Report("job-w"), new StitchReport(48, 24, 2, 2, 64, 64, "pixel-crossfade", 1,
            new SeamReport(null, null, null, [], [], "n/a"), [], new Dictionary<string, string>()), overwrite: false, Ct);
        var spec = new RenderJobSpec(new JobInputs("uploads/w/ref.png", "uploads/w/a.wav", new PoseSource("talk", null)),
            RenderSettings.Accelerated, "video.mp4", null, new Dictionary<string, string>(), null);
        SegmentTask[] tasks =
        [
            SegmentTask.ForPrepare("job-w", 2, spec, JobBlobs.Prepared("job-w").ToString(), DateTimeOffset.UnixEpoch),
            SegmentTask.ForStitch("job-w", 3, spec.Settings, JobBlobs.Prepared("job-w").ToString(), request, DateTimeOffset.UnixEpoch),
        ];

        var reported = new List<SegmentResult>();
        foreach (var task in tasks)
        {
            await segments.SendAsync([new QueueMessage<SegmentTask>(task.MessageId, task)], Ct);
            await worker.ProcessAsync((await segments.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct))!, Ct);
            await using var lease = await results.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct);
            reported.Add(lease!.Body);
            await lease.CompleteAsync(Ct);
        }

        Assert.Equal(["job-w:prepare:2", "job-w:stitch:3"], tasks.Select(t => t.MessageId));
        Assert.All(reported, r => Assert.True(r.Outcome == SegmentOutcome.Succeeded && r.Reused, r.Error));
        Assert.Equal(["prepare", "stitch"], reported.Select(r => r.EventName));
        Assert.Equal(prepared, reported[0].Prepared);
        Assert.Equal(new StitchResult(request.VideoBlob, request.PosterBlob, request.ReportBlob, 48, 2, null), reported[1].Stitched);
        Assert.Equal(0, preparer!.Calls);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static SegmentTask Task(int attempt) => new("job-w", new Segment(1, 24, 48, 12, 48), 2, attempt,
        RenderSettings.Accelerated with { Width = 64, Height = 64 }, JobBlobs.Prepared("job-w").ToString(),
        JobBlobs.Clip("job-w", 1).ToString(), JobBlobs.Latents("job-w", 1).ToString(), DateTimeOffset.UnixEpoch);

    private (FileSystemBlobStore, InMemorySegmentQueue, InMemoryResultQueue, TestPatternRenderer, SegmentWorker) Build()
    {
        var blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));
        var segments = new InMemorySegmentQueue();
        var results = new InMemoryResultQueue();
        var renderer = new TestPatternRenderer();
        preparer = new TestPreparer(blobs);
        var worker = new SegmentWorker(segments, results, blobs, preparer, renderer, new FfmpegStitcher(blobs, root),
            new SegmentWorkerOptions("worker-t") { ScratchRoot = Path.Combine(root, "scratch") }, TimeProvider.System);
        return (blobs, segments, results, renderer, worker);
    }
}
