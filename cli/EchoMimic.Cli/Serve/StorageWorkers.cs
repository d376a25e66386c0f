using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EchoMimic.Worker.Stitching;
using EchoMimic.Worker;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Inference.Jobs;
using EchoMimic.Inference.Pipeline;

namespace EchoMimic.Cli.Serve;

/// <summary>
/// The body of <c>echomimic worker</c>: N <see cref="SegmentWorker"/> loops on the storage account's segment and
/// result queues, rendering with the engine, until SIGINT/SIGTERM (or the end of standard input when attached). On
/// stop, a segment being rendered is canceled and its lease abandoned, so the task is visible again at once instead
/// of after the lease; a worker killed outright loses nothing either: the lease expires and another worker takes it.
/// </summary>
public static class StorageWorkers
{
    /// <summary>Pause after a storage error (Azurite not up yet, a network blip) before the loop receives again.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(StorageWorkerSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        settings.Validate();
        using var shutdown = new ShutdownSignal(cancellationToken);
        if (settings.StopWhenInputCloses)
        {
            WatchInput(shutdown, output, settings.WorkerId);
        }

        using var models = settings.WeightsFolder is null ? DemoWeights.Create() : PretrainedWeights.Load(settings.WeightsFolder, accelerated: true);
        if (models.IsDemo)
        {
            output.WriteLine(Commands.ServeCommand.DemoWeightsNotice);
        }

        var queues = new QueueServiceClient(settings.ConnectionString);
        var segments = new AzureStorageSegmentQueue(queues);
        var results = new AzureResultQueue(queues);
        var blobs = new AzureBlobStore(new BlobServiceClient(settings.ConnectionString));
        var loops = new List<Task>();
        for (var i = 0; i < settings.Loops; i++)
        {
            var id = settings.Loops == 1 ? settings.WorkerId : $"{settings.WorkerId}-{i}";
            var renderer = new AnnouncingSegmentRenderer(new EngineSegmentRenderer(models, NoiseMode.PerFrame), id, Say);
            // Workers also run the job's Prepare, Stitch and Preview stages, as GPU workers do in Azure.
            var scratch = Path.Combine(settings.ScratchRoot, id);
            var worker = new SegmentWorker(segments, results, blobs, new EngineJobPreparer(models, blobs, scratch), renderer,
                new FfmpegStitcher(blobs, scratch, new EngineLatentDecoder(models)), new SegmentWorkerOptions(id)
            {
                LockDuration = settings.Lease,
                ReceiveWait = TimeSpan.FromSeconds(1),
                ScratchRoot = scratch,
            }, TimeProvider.System, new EngineJobPreviewer(blobs, scratch));
            loops.Add(Task.Run(() => KeepRunningAsync(worker, Say, shutdown.Token), CancellationToken.None));
        }

        Say($"worker {settings.WorkerId}: {settings.Loops} loop(s) on queue {segments.QueueName}, lease {settings.Lease.TotalSeconds:0} s; stop with Ctrl+C or SIGTERM");
        await Task.WhenAll(loops).ConfigureAwait(false);
        Say($"worker {settings.WorkerId}: stopped ({(shutdown.Received is { } signal ? signal.ToString() : "standard input closed")}); any task in hand was given back");
        return 0;

        void Say(string line)
        {
            lock (output)
            {
                output.WriteLine(line);
                output.Flush();
            }
        }
    }

    /// <summary>Runs one loop until stopped; a storage error restarts it after <see cref="RetryDelay"/>.</summary>
    private static async Task KeepRunningAsync(SegmentWorker worker, Action<string> say, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await worker.RunAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                say($"worker {worker.WorkerId}: {e.GetType().Name}: {e.Message}; receiving again in {RetryDelay.TotalSeconds:0} s");
                try
                {
                    await Task.Delay(RetryDelay, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Reads standard input to its end on a background thread. The parent holds the only write end of the pipe, so the
    /// end comes when it closes it (an orderly stop) or when it dies, even by SIGKILL: the worker never outlives serve.
    /// </summary>
    private static void WatchInput(ShutdownSignal shutdown, TextWriter output, string workerId)
    {
        var thread = new Thread(() =>
        {
            try
            {
                using var input = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (input.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            lock (output)
            {
                output.WriteLine($"worker {workerId}: standard input closed; stopping");
                output.Flush();
            }

            shutdown.Request();
        })
        {
            IsBackground = true,
            Name = "stdin watch",
        };
        thread.Start();
    }
}
