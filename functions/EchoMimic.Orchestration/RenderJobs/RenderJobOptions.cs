namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>
/// Operational knobs of a render orchestration, carried in its input so replays see the same values and tests can
/// shrink the deadlines. Defaults: a segment must report within 15 minutes (three times the slowest segment we
/// budget for; a Service Bus lock is renewed by the worker meanwhile), the Prepare and Stitch stages (which also run on
/// the workers) within 15 minutes each, three attempts, inputs awaited 10 minutes (Event Grid delivers job.json and
/// inputs in any order).
/// </summary>
public sealed record RenderJobOptions
{
    public static RenderJobOptions Default { get; } = new();

    public int SegmentLength { get; init; } = Core.Segments.SegmentPlanner.DefaultSegmentLength;

    public int Overlap { get; init; } = Core.Segments.SegmentPlanner.MinimumOverlap;

    public TimeSpan SegmentDeadline { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a Prepare or Stitch attempt may take on a worker before it is re-dispatched.</summary>
    public TimeSpan StageDeadline { get; init; } = TimeSpan.FromMinutes(15);

    public int MaxAttempts { get; init; } = 3;

    public TimeSpan InputWait { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan InputPollInterval { get; init; } = TimeSpan.FromSeconds(15);

    public Webhooks.WebhookRetryPolicy Webhook { get; init; } = Webhooks.WebhookRetryPolicy.Default;

    /// <summary>The CloudEvents <c>source</c> of this deployment's webhooks.</summary>
    public Uri EventSource { get; init; } = new("urn:echomimic:local");
}
