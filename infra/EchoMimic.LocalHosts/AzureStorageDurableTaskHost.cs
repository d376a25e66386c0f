using System.Net;
using System.Net.Sockets;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EchoMimic.LocalHosts;

/// <summary>
/// The local stack's orchestration engine: the Durable Task Framework's Azure Storage provider (the backend Durable
/// Functions uses in Azure; here over Azurite) behind the gRPC task-hub server of Microsoft.DurableTask's in-process
/// host, so the product's orchestrator and activity classes run through the same Microsoft.DurableTask worker and
/// client as on the in-memory host. History, timers and queues live in the storage account: a restarted host resumes
/// every running orchestration. The worker id must stay the same across restarts (measured: a new id waits ~30 s
/// for the partition leases the old id still holds).
/// </summary>
public sealed class AzureStorageDurableTaskHost : IAsyncDisposable
{
    private readonly WebApplication sidecar;
    private readonly IHost worker;
    private readonly GrpcChannel channel;

    private AzureStorageDurableTaskHost(WebApplication sidecar, IHost worker, GrpcChannel channel)
    {
        this.sidecar = sidecar;
        this.worker = worker;
        this.channel = channel;
        Client = worker.Services.GetRequiredService<DurableTaskClient>();
    }

    public DurableTaskClient Client { get; }

    public IServiceProvider Services => worker.Services;

    /// <param name="connectionString">Storage account (Azurite) holding the task hub.</param>
    /// <param name="taskHub">Task hub name (table, queue and container prefix).</param>
    /// <param name="workerId">Stable id of this host (keep it across restarts).</param>
    public static async Task<AzureStorageDurableTaskHost> StartAsync(string connectionString, string taskHub, string workerId,
        Action<DurableTaskRegistry> register, Action<IServiceCollection> services, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        loggerFactory ??= Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            TaskHubName = taskHub,
            WorkerId = workerId,
            // One partition: a local stack has one host, and fewer control queues mean fewer polls on a small machine.
            PartitionCount = 1,
            // Default 30 s: an idle queue would delay the next event (a segment result) by up to that much.
            MaxQueuePollingInterval = TimeSpan.FromSeconds(1),
            LoggerFactory = loggerFactory,
        };
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync().ConfigureAwait(false);

        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(PlainTagsOrchestrationService.Wrap(service));
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var sidecar = builder.Build();
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync(cancellationToken).ConfigureAwait(false);

        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var worker = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                logging.Services.AddSingleton(loggerFactory);
            })
            .ConfigureServices(collection =>
            {
                services(collection);
                collection.AddDurableTaskWorker(b =>
                {
                    b.UseGrpc(channel);
                    b.AddTasks(register);
                });
                collection.AddDurableTaskClient(b =>
                {
                    b.UseGrpc(channel);
                    b.RegisterDirectly();
                });
            })
            .Build();
        await worker.StartAsync(cancellationToken).ConfigureAwait(false);
        return new AzureStorageDurableTaskHost(sidecar, worker, channel);
    }

    public async ValueTask DisposeAsync()
    {
        await worker.StopAsync().ConfigureAwait(false);
        worker.Dispose();
        await channel.ShutdownAsync().ConfigureAwait(false);
        channel.Dispose();
        await sidecar.StopAsync().ConfigureAwait(false);
        await sidecar.DisposeAsync().ConfigureAwait(false);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
