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
/// 127.0.0.1 (OpenAPI at /openapi.json) and N in-process engine workers. Runs until Ctrl+C; a restart resumes jobs.
/// </summary>
public sealed class ServeCommand : ICliCommand
{
    /// <summary>Azurite's well-known development account on its default ports (not a secret).</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public Command Build()
    {
        var connection = new Option<string?>("--connection") { Description = $"storage connection string (default: $ECHOMIMIC_STORAGE or {DevelopmentStorage}, i.e. Azurite on its default ports)" };
        var workers = new Option<int>("--workers") { Description = "in-process segment workers (default 1)", DefaultValueFactory = _ => 1 };
        var port = new Option<int>("--port") { Description = "HTTP API port on 127.0.0.1 (default 7071)", DefaultValueFactory = _ => 7071 };
        var weights = new Option<string?>("--weights") { Description = "official pretrained_weights folder (default: ./pretrained_weights if it exists, else demo weights)" };
        var secret = new Option<string?>("--webhook-secret") { Description = "Standard Webhooks secret whsec_... (default: $ECHOMIMIC_WEBHOOK_SECRET, else a new one, printed)" };
        var workerId = new Option<string>("--worker-id") { Description = "stable host id; keep it across restarts (default echomimic-serve)", DefaultValueFactory = _ => "echomimic-serve" };
        var command = new Command("serve", "local stack: durable orchestrations on Azurite, upload watcher, HTTP API, workers")
        {
            connection, workers, port, weights, secret, workerId,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var workerCount = parse.GetValue(workers);
            if (workerCount is < 1 or > 64) throw new InputException("--workers", $"{workerCount} is outside 1..64");
            var apiPort = parse.GetValue(port);
            if (apiPort is < 0 or > 65535) throw new InputException("--port", $"{apiPort} is not a TCP port");
            var weightsDir = parse.GetValue(weights) ?? (Directory.Exists(RenderCommand.DefaultWeightsFolder) ? RenderCommand.DefaultWeightsFolder : null);
            if (weightsDir is not null && !Directory.Exists(weightsDir)) throw new InputException(weightsDir, "weights folder does not exist");
            var webhookSecret = parse.GetValue(secret) ?? Environment.GetEnvironmentVariable("ECHOMIMIC_WEBHOOK_SECRET");
            var printSecret = webhookSecret is null;
            webhookSecret ??= WebhookSigner.NewSecret();
            var models = weightsDir is null ? DemoWeights.Create() : PretrainedWeights.Load(weightsDir, accelerated: true);
            if (models.IsDemo) Console.WriteLine("DEMO WEIGHTS: no pretrained_weights folder; videos show no real person. Use --weights DIR.");

            await using var stack = await LocalStack.StartAsync(new LocalStackOptions(
                parse.GetValue(connection) ?? Environment.GetEnvironmentVariable("ECHOMIMIC_STORAGE") ?? DevelopmentStorage, models)
            {
                Workers = workerCount,
                Port = apiPort,
                WorkerId = parse.GetValue(workerId)!,
                WebhookSecret = webhookSecret,
                JobOptions = RenderJobOptions.Default with { EventSource = new Uri("urn:echomimic:serve") },
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"serving on {stack.ApiAddress} (OpenAPI: {stack.ApiAddress}openapi.json) with {workerCount} worker(s); drop <folder>/job.json into the uploads container to start a job");
            if (printSecret) Console.WriteLine($"webhook signing secret (new; pass --webhook-secret to keep one): {webhookSecret}");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("stopping; running jobs resume on the next start");
            }

            return 0;
        });
        return command;
    }
}
