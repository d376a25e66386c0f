namespace EchoMimic.Worker.Stitching;

/// <summary>report.json: what was rendered where, how long it took, and how visible the seams are.</summary>
public sealed record StitchReport(
    int FrameCount,
    int Fps,
    double DurationSeconds,
    double AudioSeconds,
    int Width,
    int Height,
    string Blend,
    double StitchSeconds,
    SeamReport Seams,
    IReadOnlyList<SegmentTiming> Segments,
    IReadOnlyDictionary<string, string> Job);
