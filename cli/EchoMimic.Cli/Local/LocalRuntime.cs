using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Worker.Stitching;
using EchoMimic.Worker;
using EchoMimic.Infrastructure.DurableTask;
using EchoMimic.LocalHosts;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Infrastructure.Webhooks;
using EchoMimic.Inference.Jobs;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Orchestration;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace EchoMimic.Cli.Local;

/// <summary>
/// The laptop runtime of architecture.md: the Durable Task in-memory host running the product's orchestrators and
/// activities, file-system blobs under <see cref="Root"/>, in-memory segment and result queues, the result forwarder,
/// and N in-process workers rendering with the real engine (<see cref="EngineSegmentRenderer"/>) and running the job's
/// Prepare (<see cref="EngineJobPreparer"/>) and Stitch (<see cref="FfmpegStitcher"/>) stages, all sharing one
/// set of networks (forward passes hold no module state: the reference bank is passed explicitly).
/// </summary>
public sealed class LocalRuntime : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private IDisposable? _webhookTransport;
    private InMemoryDurableTaskHost _host = null!;

    private LocalRuntime(string root)
    {
        Root = root;
        Blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));
    }

    /// <summary>The folder holding the blob containers and worker scratch space; deleted on dispose.</summary>
    public string Root { get; }

    public FileSystemBlobStore Blobs { get; }

    public DurableTaskClient Client => _host.Client;

    public int Workers { get; private set; }

    /// <param name="onStep">Progress of every worker: (worker id, task, step done, steps).</param>
    public static async Task<LocalRuntime> StartAsync(PipelineModels models, int workers, NoiseMode noise,
        Action<string, SegmentTask, int, int>? onStep = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);

        // The in-memory host's gRPC sidecar is an ASP.NET Core host that logs every call at Information and ignores the
        // logger factory passed in; its configuration reads the environment, so quiet it there unless the user chose.
        if (Environment.GetEnvironmentVariable("Logging__LogLevel__Default") is null)
        {
            Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        }

        var runtime = new LocalRuntime(Directory.CreateTempSubdirectory("echomimic-local-").FullName);
        var segments = new InMemorySegmentQueue();
        var results = new InMemoryResultQueue();
        var transport = new HttpWebhookTransport(WebhookTargetPolicy.AllowPrivate, TimeSpan.FromSeconds(30));
        try
        {
            runtime._host = await InMemoryDurableTaskHost.StartAsync(registry => registry.AddEchoMimicOrchestrations(), services =>
            {
                services.AddSingleton<IBlobStore>(runtime.Blobs);
                services.AddSingleton<ISegmentQueue>(segments);
                services.AddSingleton<IResultQueue>(results);
                services.AddSingleton<IJobIndex>(new InMemoryJobIndex());
                services.AddSingleton(WebhookTargetPolicy.AllowPrivate);
                services.AddSingleton<IWebhookTransport>(transport);
                services.AddSingleton(new WebhookSigner(WebhookSigner.NewSecret()));
                services.AddSingleton(TimeProvider.System);
            }, cancellationToken, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).ConfigureAwait(false);
        }
        catch
        {
            transport.Dispose();
            Directory.Delete(runtime.Root, recursive: true);
            throw;
        }

        runtime._webhookTransport = transport;
        runtime._loops.Add(Task.Run(() => new SegmentResultForwarder(results, runtime.Client).RunAsync(runtime._stop.Token), CancellationToken.None));
        for (var i = 0; i < workers; i++)
        {
            var id = $"local-worker-{i}";
            var renderer = new EngineSegmentRenderer(models, noise) { StepCompleted = (task, done, total) => onStep?.Invoke(id, task, done, total) };
            // Every worker also runs the job's Prepare and Stitch stages, exactly as a GPU worker in Azure does.
            var worker = new SegmentWorker(segments, results, runtime.Blobs, new EngineJobPreparer(models, runtime.Blobs, runtime.Root),
                renderer, new FfmpegStitcher(runtime.Blobs, runtime.Root, new EngineLatentDecoder(models)),
                new SegmentWorkerOptions(id) { ScratchRoot = Path.Combine(runtime.Root, "scratch"), ReceiveWait = TimeSpan.FromSeconds(1) },
                TimeProvider.System, new EngineJobPreviewer(runtime.Blobs, runtime.Root));
            runtime._loops.Add(Task.Run(() => worker.RunAsync(runtime._stop.Token), CancellationToken.None));
        }

        runtime.Workers = workers;
        return runtime;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops.Select(loop => loop.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }

        _webhookTransport?.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying ffmpeg; the temp folder is cleaned by the OS eventually.
        }
    }
}
