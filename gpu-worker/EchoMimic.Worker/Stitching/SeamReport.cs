namespace EchoMimic.Worker.Stitching;

/// <summary>
/// The seam metric (see SeamMeter): mean frame-to-frame differences at seams and inside segments, and per seam how it
/// was blended (<see cref="Methods"/>: <c>latent</c> or <c>pixel-crossfade</c>, in the order of <see cref="Frames"/>).
/// </summary>
public sealed record SeamReport(double? Ratio, double? MeanAtSeams, double? MeanInside, IReadOnlyList<int> Frames,
    IReadOnlyList<double> PerSeam, string Note)
{
    public IReadOnlyList<string> Methods { get; init; } = [];
}
