using System.Collections.Concurrent;
using System.Diagnostics;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.GpuWorker.Hosting;
using EchoMimic.Worker;
using EchoMimic.Inference.Jobs;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Samples;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Infrastructure.Tests.Azure.ServiceBusDouble;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;
using TorchSharp;

namespace EchoMimic.GpuWorker.Tests;

/// <summary>
/// The production worker's pieces (the models as <see cref="WorkerHost"/> loads and places them,
/// <see cref="SegmentWorker"/>, <see cref="ServiceBusSegmentQueue"/>) over the in-memory Service Bus double: one
/// tiny segment rendered on the CPU end to end with its span continuing the dispatcher's trace, and a lock lost
/// mid-render that must not produce a second report.
/// </summary>
public sealed class WorkerOnServiceBusTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("sb-worker-").FullName;
    private readonly FileSystemBlobStore blobs;

    public WorkerOnServiceBusTests() => blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cpu_worker_renders_a_tiny_segment_from_service_bus_inside_the_dispatchers_trace()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is SegmentTelemetry.Name or "test-dispatcher",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var env = new Dictionary<string, string?>
        {
            ["EchoMimic__Storage__AccountName"] = "stechomimic01",
            ["EchoMimic__ServiceBus__FullyQualifiedNamespace"] = "sb-echomimic.servicebus.windows.net",
            ["EchoMimic__Weights__Demo"] = "true",
            ["EchoMimic__Worker__Device"] = "cpu",
        };
        using var models = new WorkerHost(WorkerSettings.Read(name => env.GetValueOrDefault(name)), null!).LoadModels();
        Assert.Equal(DeviceType.CPU, models.Device.type);

        await blobs.PutBytesAsync(new BlobPath(BlobContainers.Uploads, "t/ref.png"), PortraitPainter.PaintPng(64), true, Ct);
        await blobs.PutBytesAsync(new BlobPath(BlobContainers.Uploads, "t/speech.wav"), await TestMedia.ToneWavAsync(1.0), true, Ct);
        var spec = new RenderJobSpec(new JobInputs("uploads/t/ref.png", "uploads/t/speech.wav", new PoseSource("breathing", null)),
            Core.Jobs.RenderSettings.Accelerated with { Steps = 1, Width = 64, Height = 64, Seed = 3 }, "video.mp4", null,
            new Dictionary<string, string>(), null);
        var prepared = await new EngineJobPreparer(models, blobs, root).PrepareAsync("job-t", spec, Ct);
        await blobs.PutJsonAsync(JobBlobs.Prepared("job-t"), prepared, overwrite: false, Ct);
        var segment = new SegmentPlanner(24, 12).Plan(prepared.FrameCount).Segments[0];
        var task = new SegmentTask("job-t", segment, 1, 1, spec.Settings, JobBlobs.Prepared("job-t").ToString(),
            JobBlobs.Clip("job-t", 0).ToString(), JobBlobs.Latents("job-t", 0).ToString(), DateTimeOffset.UnixEpoch);

        var entity = new InMemoryServiceBusEntity("segments", TimeSpan.FromMinutes(5), 5, TimeSpan.FromHours(2));
        await using var segments = new ServiceBusSegmentQueue(new InMemoryServiceBusClient(entity), "segments", 5);
        using var dispatcher = new ActivitySource("test-dispatcher");
        ActivityTraceId trace;
        using (var job = dispatcher.StartActivity("job"))
        {
            trace = job!.TraceId;
            await segments.SendAsync([new QueueMessage<SegmentTask>(task.MessageId, task)], Ct);
        }

        Activity.Current = null;
        var results = new InMemoryResultQueue();
        var worker = new SegmentWorker(segments, results, blobs, new TestPreparer(blobs), new EngineSegmentRenderer(models),
            new EchoMimic.Worker.Stitching.FfmpegStitcher(blobs, root),
            new SegmentWorkerOptions("sb-worker") { ScratchRoot = Path.Combine(root, "scratch") }, TimeProvider.System);
        await worker.ProcessAsync((await segments.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!, Ct);

        await using var report = await results.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct);
        Assert.True(report!.Body.Outcome == SegmentOutcome.Succeeded, report.Body.Error);
        Assert.Equal(segment.RenderedFrames, report.Body.FrameCount);
        Assert.NotNull(await blobs.GetInfoAsync(BlobPath.Parse(task.ClipBlob), Ct));
        Assert.Equal(0, entity.ActiveCount);
        var dispatch = Assert.Single(spans, s => s.OperationName == "segment dispatch" && (string?)s.GetTagItem("echomimic.job_id") == "job-t");
        var render = Assert.Single(spans, s => s.OperationName == "segment render" && (string?)s.GetTagItem("echomimic.job_id") == "job-t");
        Assert.Equal((trace, dispatch.SpanId), (render.TraceId, render.ParentSpanId));
        Assert.Equal(ActivityStatusCode.Ok, render.Status);
    }

    [Fact]
    public async Task Lock_lost_mid_render_stops_the_render_and_the_segment_is_reported_once()
    {
        var entity = new InMemoryServiceBusEntity("segments", TimeSpan.FromMinutes(5), 5, TimeSpan.FromHours(2));
        await using var segments = new ServiceBusSegmentQueue(new InMemoryServiceBusClient(entity), "segments", 5);
        var results = new InMemoryResultQueue();
        var renderer = new LosingRenderer(entity);
        // Renewal every 100 ms: the lost lock is noticed at the next renewal.
        var worker = new SegmentWorker(segments, results, blobs, new TestPreparer(blobs), renderer, new EchoMimic.Worker.Stitching.FfmpegStitcher(blobs, root),
            new SegmentWorkerOptions("sb-worker") { ScratchRoot = Path.Combine(root, "scratch"), LockDuration = TimeSpan.FromMilliseconds(300) },
            TimeProvider.System);
        var task = new SegmentTask("job-l", new Segment(1, 24, 48, 12, 48), 2, 1,
            Core.Jobs.RenderSettings.Accelerated with { Width = 64, Height = 64 }, JobBlobs.Prepared("job-l").ToString(),
            JobBlobs.Clip("job-l", 1).ToString(), JobBlobs.Latents("job-l", 1).ToString(), DateTimeOffset.UnixEpoch);
        await blobs.PutJsonAsync(BlobPath.Parse(task.PreparedBlob), new PreparedJob("job-l", 48, 24, 2, "h", "uploads/l/ref.png",
            "uploads/l/a.wav", "work/job-l/f.bin", "work/job-l/pose/"), overwrite: false, Ct);
        await segments.SendAsync([new QueueMessage<SegmentTask>(task.MessageId, task)], Ct);

        var first = (await segments.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!;
        await worker.ProcessAsync(first, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await first.DisposeAsync();
        Assert.Equal(0, results.Count); // the lost delivery reported nothing
        var second = (await segments.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!;
        Assert.Equal(2, second.DeliveryCount);
        await worker.ProcessAsync(second, Ct);

        Assert.Equal([1, 2], renderer.Deliveries);
        Assert.Equal(1, results.Count);
        await using var report = await results.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct);
        Assert.Equal(SegmentOutcome.Succeeded, report!.Body.Outcome);
        Assert.Equal(0, entity.ActiveCount);
        Assert.Equal(0, entity.DeadLetterCount);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>Loses the lock during its first render (and hangs until canceled); renders a test pattern after.</summary>
    private sealed class LosingRenderer(InMemoryServiceBusEntity entity) : ISegmentRenderer
    {
        private readonly TestPatternRenderer pattern = new();

        public List<int> Deliveries { get; } = [];

        public async Task<RenderedSegment> RenderAsync(SegmentRenderRequest request, CancellationToken cancellationToken)
        {
            Deliveries.Add(Deliveries.Count + 1);
            if (Deliveries.Count == 1)
            {
                entity.ExpireLock(request.Task.MessageId);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return await pattern.RenderAsync(request, cancellationToken);
        }
    }
}
