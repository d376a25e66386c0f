using EchoMimic.Core.Jobs;
using EchoMimic.Core.Segments;

namespace EchoMimic.Core.Messages;

/// <summary>
/// The queue message that asks a worker to render one segment. Everything a worker needs is named here or in the
/// prepared-job blob, so any worker can take any task. <see cref="ClipBlob"/> and <see cref="LatentsBlob"/> do not
/// depend on <see cref="Attempt"/>: a re-dispatched or redelivered task finds an earlier attempt's committed clip
/// and re-reports it instead of rendering twice.
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
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Broker duplicate detection key: a re-send of the same attempt is the same message.</summary>
    public string MessageId => $"{JobId}:{Segment.Index}:{Attempt}";

    /// <summary>The orchestration event that carries this segment's result.</summary>
    public string EventName => SegmentEvents.NameFor(Segment.Index);
}
