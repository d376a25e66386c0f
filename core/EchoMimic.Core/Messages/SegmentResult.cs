using EchoMimic.Core.Ports;

namespace EchoMimic.Core.Messages;

/// <summary>
/// A worker's report on one task attempt, sent to the results queue and raised as the <see cref="EventName"/> event
/// (<c>segment-k</c>, <c>prepare</c> or <c>stitch</c>). It may arrive twice, late (after a re-dispatch) or out of
/// order; the orchestrator keeps the first success. Schema 2 adds <see cref="Kind"/> and the stage outputs
/// (<see cref="Prepared"/>, <see cref="Stitched"/>); a schema-1 result is a segment result.
/// </summary>
public sealed record SegmentResult(
    string JobId,
    int SegmentIndex,
    int Attempt,
    SegmentOutcome Outcome,
    string WorkerId,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string? ClipBlob = null,
    string? LatentsBlob = null,
    int FrameCount = 0,
    bool Reused = false,
    string? Error = null)
{
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public WorkKind Kind { get; init; } = WorkKind.Segment;

    /// <summary>A successful Prepare's output (also stored at the task's prepared blob).</summary>
    public PreparedJob? Prepared { get; init; }

    /// <summary>A successful Stitch's output (the committed video, poster and report.json).</summary>
    public StitchResult? Stitched { get; init; }

    public string MessageId => Kind == WorkKind.Segment
        ? $"{JobId}:{SegmentIndex}:{Attempt}:{Outcome}"
        : $"{JobId}:{EventName}:{Attempt}:{Outcome}";

    /// <summary>The orchestration event this result is raised as.</summary>
    public string EventName => SegmentEvents.NameFor(Kind, SegmentIndex);

    public double RenderSeconds => (FinishedAt - StartedAt).TotalSeconds;
}
