using System.CommandLine;
using EchoMimic.Cli.Serve;
using EchoMimic.Core;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic worker [--connection CS] [--worker-id ID] [--weights DIR] [--loops N] [--lease-seconds S]</c>: a segment
/// worker process for the local stack (issue 10): takes segment tasks from the storage account's <c>segments</c> queue
/// (Azurite), renders them with the engine, uploads the clips and reports on the <c>results</c> queue. <c>serve
/// --workers N</c> runs N of these as child processes; more can run anywhere that reaches the storage account. Stops
/// on SIGINT/SIGTERM (and, with <c>--attached</c>, when standard input closes), giving the in-flight task back.
/// </summary>
public sealed class WorkerCommand : ICliCommand
{
    public const int DefaultLeaseSeconds = 300;

    public Command Build()
    {
        var connection = new Option<string?>("--connection") { Description = $"storage connection string (default: $ECHOMIMIC_STORAGE or {ServeCommand.DevelopmentStorage}, i.e. Azurite on its default ports)" };
        var workerId = new Option<string?>("--worker-id") { Description = "id reported with every segment and named in report.json (default worker-<machine>); with --loops N, loops are <id>-0..N-1" };
        var weights = new Option<string?>("--weights") { Description = "official pretrained_weights folder (default: ./pretrained_weights if it exists, else demo weights)" };
        var loops = new Option<int>("--loops") { Description = "segments rendered at once in this process, sharing one set of networks (default 1)", DefaultValueFactory = _ => 1 };
        var lease = new Option<int>("--lease-seconds") { Description = $"queue visibility timeout of a received segment, renewed every third of it while rendering (default {DefaultLeaseSeconds}); a dead worker's segment is redelivered after at most this long", DefaultValueFactory = _ => DefaultLeaseSeconds };
        var scratch = new Option<string?>("--scratch") { Description = "scratch folder for clips being written (default: <temp>/echomimic-worker)" };
        var attached = new Option<bool>("--attached") { Description = "also stop when standard input closes (serve starts its workers so, so they never outlive it)" };
        var command = new Command("worker", "segment worker for the local stack: render segment tasks from the storage queue until stopped")
        {
            connection, workerId, weights, loops, lease, scratch, attached,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new StorageWorkerSettings(
                ResolveConnection(parse.GetValue(connection)),
                parse.GetValue(workerId) ?? "worker-" + Environment.MachineName.ToLowerInvariant())
            {
                Loops = parse.GetValue(loops),
                Lease = TimeSpan.FromSeconds(parse.GetValue(lease)),
                ScratchRoot = parse.GetValue(scratch) ?? Path.Combine(Path.GetTempPath(), "echomimic-worker"),
                WeightsFolder = ResolveWeights(parse.GetValue(weights)),
                StopWhenInputCloses = parse.GetValue(attached),
            };
            settings.Validate();
            // Prepare, Stitch and Preview run ffmpeg; without it or the storage account nothing can be done.
            Core.Media.MediaTools.RequireFfmpeg();
            await StorageReachability.RequireAsync(settings.ConnectionString, cancellationToken).ConfigureAwait(false);
            return await StorageWorkers.RunAsync(settings, Console.Out, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>--connection, else $ECHOMIMIC_STORAGE, else Azurite's development account; checked for form only.</summary>
    public static string ResolveConnection(string? given)
    {
        var connection = given ?? Environment.GetEnvironmentVariable("ECHOMIMIC_STORAGE") ?? ServeCommand.DevelopmentStorage;
        try
        {
            _ = new Azure.Storage.Queues.QueueServiceClient(connection);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The message, not the string: a connection string carries an account key.
            throw new InputException("--connection", $"not a storage connection string ({e.Message})");
        }

        return connection;
    }

    /// <summary>--weights (must exist), else ./pretrained_weights when present, else null = demo weights.</summary>
    public static string? ResolveWeights(string? given)
    {
        var folder = given ?? (Directory.Exists(RenderCommand.DefaultWeightsFolder) ? RenderCommand.DefaultWeightsFolder : null);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new InputException(folder, "weights folder does not exist");
        }

        return folder is null ? null : Path.GetFullPath(folder);
    }
}
