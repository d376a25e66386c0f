using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;

namespace EchoMimic.Core.Messages;

/// <summary>
/// The queue message that asks a worker to do one piece of a job: render a segment, or run the job's Prepare or
/// Stitch stage (<see cref="Kind"/>). Everything a worker needs is named here or in the prepared-job blob, so any
/// worker can take any task. <see cref="ClipBlob"/> and <see cref="LatentsBlob"/> do not depend on
/// <see cref="Attempt"/>: a re-dispatched or redelivered task finds an earlier attempt's committed clip and
/// re-reports it instead of rendering twice; stages are idempotent the same way (prepared.json, report.json).
/// Schema 2 added <see cref="Kind"/>, <see cref="Spec"/> and <see cref="Stitch"/>; a schema-1 message is a segment.
/// Schema 3 added <see cref="StitchBlob"/>: the stitch request grows with the video (~300 bytes per segment), so the
/// dispatcher stores it as a blob and the message names it (a schema-2 stitch task with the request inline stays readable).
/// Stage tasks carry a placeholder <see cref="Segment"/> (index 0) covering the job's frames as far as they are known.
/// </summary>
public sealed record SegmentTask(
    string JobId,
    Segment Segment,
    int SegmentCount,
    int Attempt,
    RenderSettings Settings,
    string PreparedBlob,
    string ClipBlob,
    string LatentsBlob,
    DateTimeOffset DispatchedAt)
{
    public const int CurrentSchemaVersion = 3;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public WorkKind Kind { get; init; } = WorkKind.Segment;

    /// <summary>The job spec a Prepare task prepares.</summary>
    public RenderJobSpec? Spec { get; init; }

    /// <summary>The segments and output names a Stitch task joins.</summary>
    public StitchRequest? Stitch { get; init; }

    /// <summary>
    /// Where the Stitch task's request is stored (<c>work/{job}/stitch-request.json</c>). The orchestrator sets it with
    /// <see cref="Stitch"/>; the dispatching activity writes the request there and sends the message without it, so the
    /// message size does not depend on the number of segments. The worker reads it when <see cref="Stitch"/> is absent.
    /// </summary>
    public string? StitchBlob { get; init; }

    /// <summary>The prepared job and output names a Preview task draws.</summary>
    public PreviewRequest? Preview { get; init; }

    /// <summary>Broker duplicate detection key (job:segment:attempt, job:prepare:attempt, job:stitch:attempt).</summary>
    public string MessageId => Kind == WorkKind.Segment ? $"{JobId}:{Segment.Index}:{Attempt}" : $"{JobId}:{EventName}:{Attempt}";

    /// <summary>The orchestration event that carries this task's result.</summary>
    public string EventName => SegmentEvents.NameFor(Kind, Segment.Index);

    public static SegmentTask ForPrepare(string jobId, int attempt, RenderJobSpec spec, string preparedBlob, DateTimeOffset dispatchedAt)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new SegmentTask(jobId, new Segment(0, 0, 0, 0, 0), 0, attempt, spec.Settings, preparedBlob, "", "", dispatchedAt)
        {
            Kind = WorkKind.Prepare,
            Spec = spec,
        };
    }

    public static SegmentTask ForPreview(string jobId, int attempt, string preparedBlob, PreviewRequest request, DateTimeOffset dispatchedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        var frames = request.Prepared.FrameCount;
        return new SegmentTask(jobId, new Segment(0, 0, frames, 0, frames), 0, attempt, request.Spec.Settings, preparedBlob, "", "", dispatchedAt)
        {
            Kind = WorkKind.Preview,
            Preview = request,
        };
    }

    public static SegmentTask ForStitch(string jobId, int attempt, RenderSettings settings, string preparedBlob, StitchRequest request,
        DateTimeOffset dispatchedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        var frames = request.Prepared.FrameCount;
        return new SegmentTask(jobId, new Segment(0, 0, frames, 0, frames), request.Segments.Count, attempt, settings, preparedBlob,
            "", "", dispatchedAt)
        {
            Kind = WorkKind.Stitch,
            Stitch = request,
        };
    }
}
