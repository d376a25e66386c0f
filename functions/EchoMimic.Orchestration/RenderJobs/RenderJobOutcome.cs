using EchoMimic.Core.Ports;

namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>
/// A render orchestration's output. A failed or canceled job still completes its orchestration with this record
/// (status and reason), so campaigns collect per-row results and the API reads one shape.
/// </summary>
public sealed record RenderJobOutcome(
    string JobId,
    JobStatus Status,
    string? Error,
    string? VideoUrl,
    StitchResult? Stitch,
    IReadOnlyList<SegmentReport> Segments,
    bool? WebhookDelivered = null,
    IReadOnlyList<StageReport>? Stages = null);
