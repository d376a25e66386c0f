using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.GpuWorker.Stitching;
using EchoMimic.GpuWorker.Worker;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.DurableTask;
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
/// same adapters the Azure deployment uses, the result forwarder, N segment workers rendering with the real engine
/// (in-process loops: one set of networks shared), the upload watcher and the HTTP API on 127.0.0.1. Everything that
/// matters lives in the storage account, so stopping and starting it again resumes the jobs in flight.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> loops = [];
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
        for (var i = 0; i < Options.Workers; i++)
        {
            // Stable worker ids: report.json names them, and a restarted stack reuses them.
            var worker = new SegmentWorker(Segments, Results, Blobs, new EngineJobPreparer(Options.Models, Blobs, Options.ScratchRoot),
                new EngineSegmentRenderer(Options.Models, Options.Noise), new FfmpegStitcher(Blobs, Options.ScratchRoot, new EngineLatentDecoder(Options.Models)),
                new SegmentWorkerOptions($"{Options.WorkerId}-worker-{i}")
                {
                    ScratchRoot = Path.Combine(Options.ScratchRoot, "worker-" + i),
                    ReceiveWait = TimeSpan.FromSeconds(1),
                },
                TimeProvider.System, new EngineJobPreviewer(Blobs, Options.ScratchRoot));
            loops.Add(Task.Run(() => worker.RunAsync(stop.Token), CancellationToken.None));
        }

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

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(loops.Select(loop => loop.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        if (api is not null)
        {
            await api.StopAsync().ConfigureAwait(false);
            await api.DisposeAsync().ConfigureAwait(false);
        }

        if (host is not null)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }

        transport?.Dispose();
        stop.Dispose();
    }
}
