namespace EchoMimic.GpuWorker.Stitching;

/// <summary>The seam metric (see SeamMeter): mean frame-to-frame differences at seams and inside segments.</summary>
public sealed record SeamReport(double? Ratio, double? MeanAtSeams, double? MeanInside, IReadOnlyList<int> Frames,
    IReadOnlyList<double> PerSeam, string Note);
