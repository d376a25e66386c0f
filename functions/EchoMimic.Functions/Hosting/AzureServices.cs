using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Telemetry;
using EchoMimic.Infrastructure.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EchoMimic.Functions.Hosting;

/// <summary>
/// Registers the Azure adapters behind Core's ports. In Azure every client authenticates with
/// DefaultAzureCredential (the app's user-assigned managed identity, picked by AZURE_CLIENT_ID); with
/// EchoMimic:StorageConnectionString set (Azurite) storage uses it, and without a Service Bus namespace the segment
/// queue falls back to a Storage queue, as in the local stack. In Azure the adapters create no storage resources
/// (bicep does; EchoMimic:Storage:Provision overrides), so a missing one fails naming it. No engine port
/// (IJobPreparer, IClipStitcher) is registered: Prepare and Stitch are tasks on the segment queue that the GPU
/// workers run (docs/control-plane.md).
/// </summary>
public static class AzureServices
{
    public static IServiceCollection AddEchoMimicAzure(this IServiceCollection services, EchoMimicSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        TokenCredential credential = new DefaultAzureCredential();
        var connection = settings.StorageConnectionString;
        var account = settings.Storage.AccountName;
        if (string.IsNullOrEmpty(connection) && string.IsNullOrEmpty(account))
        {
            throw new InvalidOperationException("set EchoMimic:Storage:AccountName (Azure) or EchoMimic:StorageConnectionString (Azurite)");
        }

        var provision = settings.Storage.Provision ?? !string.IsNullOrEmpty(connection);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => string.IsNullOrEmpty(connection)
            ? new BlobServiceClient(new Uri($"https://{account}.blob.core.windows.net"), credential)
            : new BlobServiceClient(connection));
        services.AddSingleton(_ => string.IsNullOrEmpty(connection)
            ? new QueueServiceClient(new Uri($"https://{account}.queue.core.windows.net"), credential)
            : new QueueServiceClient(connection));
        services.AddSingleton(_ => string.IsNullOrEmpty(connection)
            ? new TableServiceClient(new Uri($"https://{account}.table.core.windows.net"), credential)
            : new TableServiceClient(connection));
        services.AddSingleton<IBlobStore>(sp => new AzureBlobStore(sp.GetRequiredService<BlobServiceClient>(), provision: provision));
        services.AddSingleton<IJobIndex>(sp => new AzureTableJobIndex(sp.GetRequiredService<TableServiceClient>(), provision: provision));
        services.AddSingleton<IResultQueue>(sp => new AzureResultQueue(sp.GetRequiredService<QueueServiceClient>(), provision: provision));
        if (settings.ServiceBus.FullyQualifiedNamespace is { Length: > 0 } ns)
        {
            services.AddSingleton(_ => new ServiceBusClient(ns, credential));
            services.AddSingleton<ISegmentQueue>(sp => new ServiceBusSegmentQueue(sp.GetRequiredService<ServiceBusClient>(),
                settings.ServiceBus.SegmentQueue, settings.ServiceBus.MaxDeliveryCount));
        }
        else
        {
            services.AddSingleton<ISegmentQueue>(sp => new AzureStorageSegmentQueue(sp.GetRequiredService<QueueServiceClient>(),
                settings.ServiceBus.SegmentQueue, settings.ServiceBus.MaxDeliveryCount));
        }

        if (settings.WebhookSigningSecret is { Length: > 0 } secret)
        {
            services.AddSingleton(new WebhookSigner(secret));
        }

        var policy = settings.AllowPrivateWebhookTargets ? WebhookTargetPolicy.AllowPrivate : WebhookTargetPolicy.PublicOnly;
        services.AddSingleton(policy);
        services.AddSingleton<IWebhookTransport>(_ => new MeasuredWebhookTransport(new HttpWebhookTransport(policy)));
        var jobOptions = settings.ToRenderJobOptions();
        services.AddSingleton(provider => new JobStarter(provider.GetRequiredService<IJobIndex>(), jobOptions,
            provider.GetRequiredService<TimeProvider>(), provider.GetService<Microsoft.Extensions.Logging.ILogger<JobStarter>>()));
        return services;
    }
}
