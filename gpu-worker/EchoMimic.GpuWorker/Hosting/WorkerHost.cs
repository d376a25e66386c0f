using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EchoMimic.Worker.Stitching;
using EchoMimic.Worker;
using EchoMimic.Inference.Jobs;
using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Torch;
using EchoMimic.Infrastructure.Azure;
using Microsoft.Extensions.Logging;

namespace EchoMimic.GpuWorker.Hosting;

/// <summary>
/// Composes the production worker: Azure Blob store, Service Bus segment queue and Storage results queue (all with
/// DefaultAzureCredential, i.e. the replica's managed identity selected by AZURE_CLIENT_ID), the engine renderer over
/// the pretrained weights, the engine preparer and the ffmpeg stitcher (the job's Prepare and Stitch stages run on the
/// workers), and <see cref="WorkerSettings.Loops"/> <see cref="SegmentWorker"/> loops sharing them.
/// Cancellation (SIGTERM on scale-in) stops the loops; a segment being rendered is left unsettled, so disposing its
/// lease abandons it and another replica renders it. The models go to <see cref="WorkerSettings.Device"/> (resolved
/// before anything is loaded, so a CUDA request on a machine without CUDA fails at once); the storage adapters create
/// nothing unless <see cref="WorkerSettings.Provision"/>; the segment spans and metrics are exported by
/// <see cref="WorkerTelemetry"/>.
/// </summary>
public sealed class WorkerHost(WorkerSettings settings, HealthEndpoint health)
{
    /// <summary>
    /// Resolves the device, loads the models and places them there, in eval mode (an <see cref="Core.InputException"/>
    /// naming the variable for an unavailable device, or when the weights folder fails its check).
    /// </summary>
    public PipelineModels LoadModels()
    {
        var (device, reason) = WorkerDevice.Resolve(settings.Device);
        Console.Error.WriteLine($"worker: device {device} ({reason})");
        var (precision, precisionReason) = TorchPrecision.Resolve(settings.Precision, $"{TorchPrecision.Variable}={settings.Precision?.Name()}", device);
        Console.Error.WriteLine($"worker: networks in {precision.Name()} ({precisionReason})");
        PipelineModels models;
        if (settings.DemoWeights)
        {
            Console.Error.WriteLine("worker: DEMO weights (random, deterministic): output is not a real rendering");
            models = DemoWeights.Create().ToPrecision(precision);
        }
        else
        {
            models = PretrainedWeights.Load(settings.WeightsDirectory, settings.AcceleratedWeights, precision);
        }
        models.PrecisionReason = precisionReason;

        try
        {
            models.MoveTo(device).Eval();
            return models;
        }
        catch
        {
            models.Dispose();
            throw;
        }
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var models = await Task.Run(LoadModels, stopping).ConfigureAwait(false);
        using (models)
        {
            var credential = new DefaultAzureCredential();
            using var telemetry = WorkerTelemetry.Start(Environment.GetEnvironmentVariable(WorkerTelemetry.ConnectionStringVariable),
                credential);
            var blobs = new AzureBlobStore(new BlobServiceClient(settings.BlobEndpoint, credential), provision: settings.Provision);
            // The Functions queue trigger reads plain JSON (host.json messageEncoding: none), the adapter's format.
            var results = new AzureResultQueue(new QueueServiceClient(settings.QueueEndpoint, credential), settings.ResultQueue,
                settings.MaxDeliveryCount, settings.Provision);
            await using var client = new ServiceBusClient(settings.ServiceBusNamespace, credential);
            await using var segments = new ServiceBusSegmentQueue(client, settings.SegmentQueue, settings.MaxDeliveryCount);
            var renderer = new EngineSegmentRenderer(models);
            var preparer = new EngineJobPreparer(models, blobs);
            var stitcher = new FfmpegStitcher(blobs, decoder: new EngineLatentDecoder(models));

            // A loop that fails (e.g. Service Bus unreachable after the SDK's retries) stops the others too, so the
            // process exits with the error and Container Apps restarts the replica instead of it idling half-alive.
            using var anyFailed = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            // Worker events (a task left for redelivery) as single lines on stderr, with job, segment and attempt as fields.
            using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
            var workerLog = logging.CreateLogger<SegmentWorker>();
            var loops = Enumerable.Range(0, settings.Loops).Select(i =>
            {
                var worker = new SegmentWorker(segments, results, blobs, preparer, renderer, stitcher,
                    new SegmentWorkerOptions($"{settings.WorkerId}-{i}"), TimeProvider.System, new EngineJobPreviewer(blobs), workerLog);
                return Task.Run(async () =>
                {
                    try
                    {
                        await worker.RunAsync(anyFailed.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        await anyFailed.CancelAsync().ConfigureAwait(false);
                        throw;
                    }
                }, CancellationToken.None);
            }).ToArray();
            health.Ready = true;
            Console.Error.WriteLine($"worker: {settings.Loops} loop(s) on {settings.SegmentQueue}, models {models.Identity}");
            await Task.WhenAll(loops).ConfigureAwait(false);
            health.Ready = false;
        }
    }
}
