namespace EchoMimic.GpuWorker.Stitching;

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

/// <summary>The seam metric (see SeamMeter): mean frame-to-frame differences at seams and inside segments.</summary>
public sealed record SeamReport(double? Ratio, double? MeanAtSeams, double? MeanInside, IReadOnlyList<int> Frames,
    IReadOnlyList<double> PerSeam, string Note);

/// <summary>One segment in report.json.</summary>
public sealed record SegmentTiming(int Index, int Start, int End, int RenderStart, int RenderEnd, string WorkerId,
    int Attempts, double RenderSeconds, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, bool Reused);
