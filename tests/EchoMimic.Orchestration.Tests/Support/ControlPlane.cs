using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Worker.Stitching;
using EchoMimic.Worker;
using EchoMimic.Infrastructure.DurableTask;
using EchoMimic.LocalHosts;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Inference.Jobs;
using EchoMimic.Infrastructure.Webhooks;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace EchoMimic.Orchestration.Tests.Support;

/// <summary>
/// The laptop runtime assembled for a test: Durable Task in-memory host running the real orchestrators and
/// activities, file-system blobs, in-memory queues, the result forwarder, N worker loops with the test preparer, the
/// test renderer and the ffmpeg stitcher (workers run Prepare and Stitch, as in Azure; the control plane registers no
/// engine port), the HTTP webhook transport, and a real webhook receiver on 127.0.0.1.
/// </summary>
internal sealed class ControlPlane : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> loops = [];
    private InMemoryDurableTaskHost host = null!;

    private ControlPlane(string root, bool duplicateMessages)
    {
        Root = root;
        Blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));
        SegmentQueue = new InMemorySegmentQueue();
        ResultQueue = new InMemoryResultQueue();
        SegmentPort = duplicateMessages ? new DuplicatingSegmentQueue(SegmentQueue) : SegmentQueue;
        ResultPort = duplicateMessages ? new DuplicatingResultQueue(ResultQueue) : ResultQueue;
        Preparer = new TestPreparer(Blobs);
        Stitcher = new ScriptedStitcher(new FfmpegStitcher(Blobs, root));
        Receiver = new WebhookReceiver(Secret);
    }

    public string Secret { get; } = WebhookSigner.NewSecret();

    public string Root { get; }

    public FileSystemBlobStore Blobs { get; }

    public InMemorySegmentQueue SegmentQueue { get; }

    public InMemoryResultQueue ResultQueue { get; }

    public ISegmentQueue SegmentPort { get; }

    public IResultQueue ResultPort { get; }

    public InMemoryJobIndex Index { get; } = new();

    public TestPatternRenderer Renderer { get; } = new();

    public TestPreparer Preparer { get; }

    /// <summary>The real ffmpeg stitcher, with a script that can make chosen calls fail or hang.</summary>
    public ScriptedStitcher Stitcher { get; }

    public WebhookReceiver Receiver { get; }

    public DurableTaskClient Client => host.Client;

    public RenderJobOptions Options { get; set; } = RenderJobOptions.Default with
    {
        SegmentLength = 24,
        Overlap = 12,
        SegmentDeadline = TimeSpan.FromSeconds(60),
        StageDeadline = TimeSpan.FromSeconds(60),
        MaxAttempts = 3,
        InputWait = TimeSpan.FromSeconds(2),
        InputPollInterval = TimeSpan.FromMilliseconds(500),
        Webhook = new Webhooks.WebhookRetryPolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)),
        EventSource = new Uri("urn:echomimic:test"),
    };

    public static async Task<ControlPlane> StartAsync(int workers = 2, bool duplicateMessages = false)
    {
        var plane = new ControlPlane(Directory.CreateTempSubdirectory("control-plane-").FullName, duplicateMessages);
        plane.host = await InMemoryDurableTaskHost.StartAsync(registry => registry.AddEchoMimicOrchestrations(), services =>
        {
            services.AddSingleton<IBlobStore>(plane.Blobs);
            services.AddSingleton(plane.SegmentPort);
            services.AddSingleton(plane.ResultPort);
            services.AddSingleton<IJobIndex>(plane.Index);
            services.AddSingleton(WebhookTargetPolicy.AllowPrivate);
            services.AddSingleton<IWebhookTransport>(new HttpWebhookTransport(WebhookTargetPolicy.AllowPrivate, TimeSpan.FromSeconds(5)));
            services.AddSingleton(new WebhookSigner(plane.Secret));
            services.AddSingleton(TimeProvider.System);
        });
        plane.loops.Add(Task.Run(() => new SegmentResultForwarder(plane.ResultPort, plane.Client).RunAsync(plane.stop.Token)));
        for (var i = 0; i < workers; i++)
        {
            plane.AddWorker($"worker-{i}");
        }

        return plane;
    }

    public void AddWorker(string workerId) => loops.Add(Task.Run(() => Worker(workerId).RunAsync(stop.Token)));

    /// <summary>Takes the next task off the segment queue and lets a worker handle it (for planes started without workers).</summary>
    public async Task<SegmentTask> ProcessOneAsync(string workerId = "worker-once")
    {
        var lease = await SegmentPort.ReceiveAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), stop.Token)
            ?? throw new TimeoutException("no task arrived on the segment queue");
        await using (lease)
        {
            await Worker(workerId).ProcessAsync(lease, stop.Token);
            return lease.Body;
        }
    }

    private SegmentWorker Worker(string workerId) =>
        new SegmentWorker(SegmentPort, ResultPort, Blobs, Preparer, Renderer, Stitcher,
            new SegmentWorkerOptions(workerId) { LockDuration = TimeSpan.FromSeconds(6), ReceiveWait = TimeSpan.FromSeconds(1), ScratchRoot = Path.Combine(Root, "scratch") },
            TimeProvider.System, new EngineJobPreviewer(Blobs, Path.Combine(Root, "scratch")));

    /// <summary>Uploads a portrait and a tone of <paramref name="seconds"/> under uploads/{folder}/.</summary>
    public async Task UploadInputsAsync(string folder, double seconds, bool withAudio = true)
    {
        await Blobs.PutBytesAsync(new BlobPath(BlobContainers.Uploads, $"{folder}/ref.png"), Inference.Samples.PortraitPainter.PaintPng(64), true, default);
        if (withAudio)
        {
            await Blobs.PutBytesAsync(new BlobPath(BlobContainers.Uploads, $"{folder}/speech.wav"), await TestMedia.ToneWavAsync(seconds), true, default);
        }
    }

    public string SpecJson(string folder, bool webhook = true, string? idempotencyKey = null, string mode = "accelerated") => $$"""
        {
          "schemaVersion": 1,
          "inputs": { "reference": "uploads/{{folder}}/ref.png", "audio": "uploads/{{folder}}/speech.wav", "pose": { "gesture": "talk" } },
          "settings": { "mode": "{{mode}}", "width": 64, "height": 64, "fps": 24, "seed": 7 },
          {{(webhook ? $"\"webhook\": {{ \"url\": \"{Receiver.Url}\" }}," : "")}}
          {{(idempotencyKey is null ? "" : $"\"idempotencyKey\": \"{idempotencyKey}\",")}}
          "metadata": { "folder": "{{folder}}" }
        }
        """;

    public async Task<string> SubmitAsync(string specJson, string? jobId)
    {
        var start = RenderJobIntake.AcceptJob(specJson, "job.json", Options, jobId, new Random(1));
        return await StartAsync(start);
    }

    public Task<string> StartAsync(JobStart start) =>
        Client.ScheduleNewOrchestrationInstanceAsync(start.Orchestrator, start.Input, new StartOrchestrationOptions(start.InstanceId));

    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(loops.Select(loop => loop.ContinueWith(_ => { }, TaskScheduler.Default)));
        await host.DisposeAsync();
        await Receiver.DisposeAsync();
        stop.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
