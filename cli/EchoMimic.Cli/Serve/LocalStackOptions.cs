using EchoMimic.Inference.Pipeline;
using EchoMimic.Orchestration.RenderJobs;

namespace EchoMimic.Cli.Serve;

/// <summary>What <see cref="LocalStack"/> runs against and with.</summary>
public sealed record LocalStackOptions(string ConnectionString, PipelineModels Models)
{
    /// <summary>Task hub name: prefix of the Durable Task tables, queues and lease container.</summary>
    public string TaskHub { get; init; } = "echomimic";

    /// <summary>Kept across restarts so the restarted host takes its own partition leases back at once.</summary>
    public string WorkerId { get; init; } = "echomimic-serve";

    /// <summary>Worker processes (<c>echomimic worker --attached</c> children, ids <c>{WorkerId}-worker-{i}</c>).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>The workers' segment lease (queue visibility timeout), renewed while rendering; short in tests.</summary>
    public TimeSpan WorkerLease { get; init; } = TimeSpan.FromSeconds(Commands.WorkerCommand.DefaultLeaseSeconds);

    /// <summary>Official pretrained_weights folder the workers load; null = demo weights.</summary>
    public string? WeightsFolder { get; init; }

    /// <summary>How to start a worker process; null = this CLI's own assembly (<see cref="WorkerLaunch.ThisCli"/>).</summary>
    public WorkerLaunch? WorkerLaunch { get; init; }

    /// <summary>
    /// Where the workers' forwarded output and the supervisor's lines go. Required: the stack is a library, and a
    /// default of the process-wide console would mix child-process lines into whatever else the host writes there.
    /// </summary>
    public required Action<string> Output { get; init; }

    /// <summary>HTTP API port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; } = 7071;

    /// <summary>Standard Webhooks secret (<c>whsec_...</c>) the receivers verify with.</summary>
    public required string WebhookSecret { get; init; }

    public NoiseMode Noise { get; init; } = NoiseMode.PerFrame;

    public RenderJobOptions JobOptions { get; init; } = RenderJobOptions.Default with { EventSource = new Uri("urn:echomimic:serve") };

    /// <summary>Worker scratch space, the stitcher's and the preparer's.</summary>
    public string ScratchRoot { get; init; } = Path.Combine(Path.GetTempPath(), "echomimic-serve");

    public TimeSpan UploadPollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
