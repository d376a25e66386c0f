namespace EchoMimic.Core.Messages;

/// <summary>
/// A worker's report on one segment attempt, sent to the results queue and raised as the <c>segment-k</c> event.
/// It may arrive twice, late (after a re-dispatch) or out of order; the orchestrator keeps the first success.
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
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public string MessageId => $"{JobId}:{SegmentIndex}:{Attempt}:{Outcome}";

    public double RenderSeconds => (FinishedAt - StartedAt).TotalSeconds;
}
