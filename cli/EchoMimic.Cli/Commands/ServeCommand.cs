using System.CommandLine;
using EchoMimic.Cli.Serve;
using EchoMimic.Core;
using EchoMimic.Core.Webhooks;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Orchestration.RenderJobs;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic serve [--connection CS] [--workers N] [--port P] [--weights DIR]</c>: the local stack (architecture.md,
/// Runtimes): the product's orchestrators durably on the Durable Task Azure Storage provider over Azurite, the upload
/// watcher (job.json in the uploads container starts a job, as the Azure blob trigger does), the HTTP API on
/// 127.0.0.1 (OpenAPI at /openapi.json) and N <c>echomimic worker</c> child processes. Runs until Ctrl+C or SIGTERM,
/// then stops in order; a restart (same --worker-id) resumes the jobs in flight.
/// </summary>
public sealed class ServeCommand : ICliCommand
{
    /// <summary>Azurite's well-known development account on its default ports (not a secret).</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public const string DemoWeightsNotice = "DEMO WEIGHTS: no pretrained_weights folder; videos show no real person. Use --weights DIR.";

    /// <summary>The line that says the stack is up; it names the API address.</summary>
    public const string ServingMarker = "serving on ";

    public Command Build()
    {
        var connection = new Option<string?>("--connection") { Description = $"storage connection string (default: $ECHOMIMIC_STORAGE or {DevelopmentStorage}, i.e. Azurite on its default ports)" };
        var workers = new Option<int>("--workers") { Description = "segment worker processes (echomimic worker children; default 1)", DefaultValueFactory = _ => 1 };
        var port = new Option<int>("--port") { Description = "HTTP API port on 127.0.0.1 (default 7071; 0 = any free port)", DefaultValueFactory = _ => 7071 };
        var weights = new Option<string?>("--weights") { Description = "official pretrained_weights folder (default: ./pretrained_weights if it exists, else demo weights)" };
        var secret = new Option<string?>("--webhook-secret") { Description = "Standard Webhooks secret whsec_... (default: $ECHOMIMIC_WEBHOOK_SECRET, else a new one, printed)" };
        var workerId = new Option<string>("--worker-id") { Description = "stable host id; keep it across restarts (default echomimic-serve); workers are <id>-worker-<i>", DefaultValueFactory = _ => "echomimic-serve" };
        var lease = new Option<int>("--lease-seconds") { Description = $"the workers' segment lease (queue visibility timeout), renewed while rendering (default {WorkerCommand.DefaultLeaseSeconds}): how long a killed worker's segment waits before another worker takes it", DefaultValueFactory = _ => WorkerCommand.DefaultLeaseSeconds };
        var segmentLength = new Option<int>("--segment-length") { Description = $"frames a segment owns (default {Core.Segments.SegmentPlanner.DefaultSegmentLength}; each renders {Core.Segments.SegmentPlanner.MinimumOverlap} more per seam)", DefaultValueFactory = _ => Core.Segments.SegmentPlanner.DefaultSegmentLength };
        var scratch = new Option<string?>("--scratch") { Description = "scratch folder of the preparer, the stitcher and the workers (default: <temp>/echomimic-serve)" };
        var command = new Command("serve", "local stack: durable orchestrations on Azurite, upload watcher, HTTP API, worker processes")
        {
            connection, workers, port, weights, secret, workerId, lease, segmentLength, scratch,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var workerCount = parse.GetValue(workers);
            if (workerCount is < 1 or > 64) throw new InputException("--workers", $"{workerCount} is outside 1..64");
            var apiPort = parse.GetValue(port);
            if (apiPort is < 0 or > 65535) throw new InputException("--port", $"{apiPort} is not a TCP port");
            var leaseSeconds = parse.GetValue(lease);
            if (leaseSeconds is < 3 or > 7200) throw new InputException("--lease-seconds", $"{leaseSeconds} is outside 3..7200");
            var frames = parse.GetValue(segmentLength);
            if (frames < Core.Segments.SegmentPlanner.MinimumOverlap) throw new InputException("--segment-length", $"{frames} is shorter than the {Core.Segments.SegmentPlanner.MinimumOverlap}-frame overlap");
            var id = parse.GetValue(workerId)!;
            if (string.IsNullOrWhiteSpace(id) || id.Any(char.IsWhiteSpace)) throw new InputException("--worker-id", $"'{id}' must be non-empty without spaces");
            var connectionString = WorkerCommand.ResolveConnection(parse.GetValue(connection));
            var weightsDir = WorkerCommand.ResolveWeights(parse.GetValue(weights));
            var webhookSecret = parse.GetValue(secret) ?? Environment.GetEnvironmentVariable("ECHOMIMIC_WEBHOOK_SECRET");
            var printSecret = webhookSecret is null;
            webhookSecret ??= WebhookSigner.NewSecret();
            Core.Media.MediaTools.RequireFfmpeg();
            await StorageReachability.RequireAsync(connectionString, cancellationToken).ConfigureAwait(false);

            // Our own SIGINT/SIGTERM handling (see ShutdownSignal): the stop sequence below runs to its end.
            using var shutdown = new ShutdownSignal(cancellationToken);
            using var models = weightsDir is null ? DemoWeights.Create() : PretrainedWeights.Load(weightsDir, accelerated: true);
            if (models.IsDemo) Console.WriteLine(DemoWeightsNotice);
            var stack = await LocalStack.StartAsync(new LocalStackOptions(connectionString, models)
            {
                Workers = workerCount,
                WorkerLease = TimeSpan.FromSeconds(leaseSeconds),
                WeightsFolder = weightsDir,
                Port = apiPort,
                WorkerId = id,
                WebhookSecret = webhookSecret,
                ScratchRoot = parse.GetValue(scratch) is { } folder ? Path.GetFullPath(folder) : Path.Combine(Path.GetTempPath(), "echomimic-serve"),
                JobOptions = RenderJobOptions.Default with { EventSource = new Uri("urn:echomimic:serve"), SegmentLength = frames },
                Output = Say,
            }, cancellationToken: shutdown.Token).ConfigureAwait(false);
            await using (stack.ConfigureAwait(false))
            {
                Say($"{ServingMarker}{stack.ApiAddress} (OpenAPI: {stack.ApiAddress}openapi.json) with {workerCount} worker process(es); drop <folder>/job.json into the uploads container to start a job");
                if (printSecret) Say($"webhook signing secret (new; pass --webhook-secret to keep one): {webhookSecret}");
                try
                {
                    await Task.Delay(Timeout.Infinite, shutdown.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Say($"stopping ({shutdown.Received?.ToString() ?? "canceled"}): watcher, API, workers, then the orchestration host; running jobs resume on the next start");
                }
            }

            Say("stopped");
            return 0;
        });
        return command;
    }

    /// <summary>Console lines from several threads (workers' output, the stack's own) never interleave.</summary>
    private static void Say(string line)
    {
        lock (Console.Out)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
