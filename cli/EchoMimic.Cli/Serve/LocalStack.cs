using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Worker.Stitching;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.DurableTask;
using EchoMimic.LocalHosts;
using EchoMimic.Infrastructure.Webhooks;
using EchoMimic.Inference.Jobs;
using EchoMimic.Orchestration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EchoMimic.Cli.Serve;

/// <summary>
/// The local stack of architecture.md in one process: the product's orchestrators on the Durable Task Azure Storage
/// provider over Azurite (<see cref="AzureStorageDurableTaskHost"/>), Azurite blobs, queues and job table through the
/// same adapters the Azure deployment uses, the result forwarder, the upload watcher, the HTTP API on 127.0.0.1 and
/// N segment worker processes (<c>echomimic worker --attached</c>, supervised by <see cref="SupervisedWorker"/>).
/// Everything that matters lives in the storage account, so stopping and starting it again, or killing any process,
/// resumes the jobs in flight. Dispose order: watcher, forwarder and API, then the workers, then the Durable host.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> loops = [];
    private readonly List<Task> workerRuns = [];
    private readonly List<SupervisedWorker> workers = [];
    private AzureStorageDurableTaskHost? host;
    private WebApplication? api;
    private HttpWebhookTransport? transport;

    private LocalStack(LocalStackOptions options)
    {
        Options = options;
        Blobs = new AzureBlobStore(new BlobServiceClient(options.ConnectionString));
        var queues = new QueueServiceClient(options.ConnectionString);
        Segments = new AzureStorageSegmentQueue(queues);
        Results = new AzureResultQueue(queues);
        Index = new AzureTableJobIndex(new TableServiceClient(options.ConnectionString));
    }

    public LocalStackOptions Options { get; }

    public AzureBlobStore Blobs { get; }

    public ISegmentQueue Segments { get; }

    public IResultQueue Results { get; }

    public IJobIndex Index { get; }

    public DurableTaskClient Client => host!.Client;

    /// <summary>The supervised worker processes, in id order.</summary>
    public IReadOnlyList<SupervisedWorker> WorkerProcesses => workers;

    /// <summary>The HTTP API's base address, e.g. http://127.0.0.1:7071/.</summary>
    public Uri ApiAddress { get; private set; } = null!;

    public static async Task<LocalStack> StartAsync(LocalStackOptions options, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 1);
        loggerFactory ??= Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var stack = new LocalStack(options);
        try
        {
            await stack.StartAsync(loggerFactory, cancellationToken).ConfigureAwait(false);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Options.ScratchRoot);
        // Local stacks deliver webhooks to receivers on the same machine: private targets are allowed here only.
        transport = new HttpWebhookTransport(WebhookTargetPolicy.AllowPrivate, TimeSpan.FromSeconds(30));
        var webhookTransport = transport;
        host = await AzureStorageDurableTaskHost.StartAsync(Options.ConnectionString, Options.TaskHub, Options.WorkerId,
            registry => registry.AddEchoMimicOrchestrations(), services =>
            {
                services.AddSingleton<IBlobStore>(Blobs);
                services.AddSingleton(Segments);
                services.AddSingleton(Results);
                services.AddSingleton(Index);
                services.AddSingleton(WebhookTargetPolicy.AllowPrivate);
                services.AddSingleton<IWebhookTransport>(webhookTransport);
                services.AddSingleton(new WebhookSigner(Options.WebhookSecret));
                services.AddSingleton(TimeProvider.System);
            }, loggerFactory, cancellationToken).ConfigureAwait(false);

        var starter = new ServeJobStarter(host.Client, Index, Options.JobOptions, TimeProvider.System);
        loops.Add(Task.Run(() => new SegmentResultForwarder(Results, host.Client).RunAsync(stop.Token), CancellationToken.None));
        StartWorkers();

        var watcher = new UploadWatcher(Blobs, Index, starter, TimeProvider.System, loggerFactory.CreateLogger<UploadWatcher>())
        {
            PollInterval = Options.UploadPollInterval,
        };
        loops.Add(Task.Run(() => watcher.RunAsync(stop.Token), CancellationToken.None));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Options.Port));
        builder.Services.AddOpenApi();
        api = builder.Build();
        api.MapOpenApi("/openapi.json");
        ServeApi.Map(api, host.Client, Index, starter);
        await api.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        ApiAddress = new Uri(address.TrimEnd('/') + "/");
    }

    private void StartWorkers()
    {
        var launch = Options.WorkerLaunch ?? WorkerLaunch.ThisCli();
        var output = Options.Output;
        for (var i = 0; i < Options.Workers; i++)
        {
            // Stable ids: report.json names them, and a restarted stack (or a restarted process) reuses them.
            var id = $"{Options.WorkerId}-worker-{i}";
            List<string> arguments =
            [
                "worker", "--attached", "--worker-id", id,
                "--lease-seconds", ((int)Options.WorkerLease.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--scratch", Path.Combine(Options.ScratchRoot, "worker-" + i),
            ];
            if (Options.WeightsFolder is not null)
            {
                arguments.AddRange(["--weights", Options.WeightsFolder]);
            }

            // The connection string goes through the environment: on a command line `ps` would show its account key.
            var worker = new SupervisedWorker(id, launch with { Environment = new Dictionary<string, string> { ["ECHOMIMIC_STORAGE"] = Options.ConnectionString } },
                arguments, output);
            workers.Add(worker);
            workerRuns.Add(Task.Run(() => worker.RunAsync(stop.Token), CancellationToken.None));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(loops.Select(loop => loop.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        if (api is not null)
        {
            await api.StopAsync().ConfigureAwait(false);
            await api.DisposeAsync().ConfigureAwait(false);
        }

        // Workers give their segments back (lease abandoned) before the engine that awaits them goes away.
        await Task.WhenAll(workerRuns.Select(run => run.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);

        if (host is not null)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }

        transport?.Dispose();
        stop.Dispose();
    }
}
