namespace EchoMimic.Core.Ports;

/// <summary>What the Stitch activity hands the <see cref="IClipStitcher"/>: segments in order and where outputs go.</summary>
public sealed record StitchRequest(
    PreparedJob Prepared,
    IReadOnlyList<StitchSegment> Segments,
    string VideoBlob,
    string PosterBlob,
    string ReportBlob,
    IReadOnlyDictionary<string, string>? ReportExtras = null);
