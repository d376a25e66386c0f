using EchoMimic.Core;

namespace EchoMimic.Cli.Serve;

/// <summary>What one <c>echomimic worker</c> process runs against and with.</summary>
public sealed record StorageWorkerSettings(string ConnectionString, string WorkerId)
{
    /// <summary>Concurrent worker loops in the process (one set of networks shared).</summary>
    public int Loops { get; init; } = 1;

    /// <summary>
    /// Visibility timeout of a received segment task; the worker renews it every third of it while rendering, so it
    /// bounds only how long a dead worker's task stays hidden. Long in production, seconds in tests.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(Commands.WorkerCommand.DefaultLeaseSeconds);

    public string ScratchRoot { get; init; } = Path.Combine(Path.GetTempPath(), "echomimic-worker");

    /// <summary>Official pretrained_weights folder; null = demo weights.</summary>
    public string? WeightsFolder { get; init; }

    /// <summary>Stop when standard input reaches its end: the parent (serve) closed it, or died.</summary>
    public bool StopWhenInputCloses { get; init; }

    /// <summary>Checks the options a user can get wrong; <see cref="InputException"/> names the flag.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(WorkerId) || WorkerId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new InputException("--worker-id", $"'{WorkerId}' must be non-empty without spaces");
        }

        if (Loops is < 1 or > 16)
        {
            throw new InputException("--loops", $"{Loops} is outside 1..16");
        }

        // Storage queues accept 1 s .. 7 days; below 3 s a renewal every third of it would race the expiry.
        if (Lease < TimeSpan.FromSeconds(3) || Lease > TimeSpan.FromHours(2))
        {
            throw new InputException("--lease-seconds", $"{Lease.TotalSeconds:0} is outside 3..7200");
        }
    }
}
