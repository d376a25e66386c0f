using EchoMimic.Core.Segments;

namespace EchoMimic.Core.Ports;

/// <summary>One rendered segment as the stitcher needs it, with the facts report.json records about it.</summary>
public sealed record StitchSegment(
    Segment Segment,
    string ClipBlob,
    string? LatentsBlob,
    string WorkerId,
    int Attempts,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    bool Reused);
