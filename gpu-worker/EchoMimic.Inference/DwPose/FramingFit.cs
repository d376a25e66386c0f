namespace EchoMimic.Inference.DwPose;

/// <summary>
/// The similarity transform (uniform scale + translation, no rotation) that puts a detected person at the official
/// framing on a square canvas: x_out = Scale * x_src + ShiftX, likewise y, in pixels.
/// </summary>
public sealed record FramingFit(double Scale, double ShiftX, double ShiftY, int Size, string Basis)
{
    /// <summary>Forward 2x3 source-to-canvas matrix.</summary>
    public double[] Matrix => [Scale, 0, ShiftX, 0, Scale, ShiftY];

    /// <summary>
    /// Scale from the shoulder width and from the head height (head top to neck), averaged when both are seen, because
    /// either alone is fooled by broad shoulders or a tilted head; the neck then goes to its official position.
    /// <paramref name="pixels"/> holds the person in source PIXELS (a <see cref="NormalizedPose"/> with divisor 1).
    /// </summary>
    public static FramingFit Solve(NormalizedPose pixels, int size)
    {
        var m = FramingMetrics.Measure(pixels);
        if (m.NeckX is not { } neckX || m.NeckY is not { } neckY)
            throw new InvalidOperationException("the shoulders are not visible, so the portrait cannot be framed");
        var estimates = new List<(double Scale, string Basis)>();
        if (m.ShoulderWidth is { } sw && sw > 0)
            estimates.Add((OfficialFraming.ShoulderWidth.Expected * size / sw, "shoulder width"));
        if (m.HeadTopY is { } top && neckY - top > 0)
            estimates.Add(((OfficialFraming.NeckY.Expected - OfficialFraming.HeadTopY.Expected) * size / (neckY - top), "head height"));
        if (estimates.Count == 0) throw new InvalidOperationException("neither the shoulder width nor the head height can be measured");
        double scale = estimates.Average(e => e.Scale);
        return new FramingFit(scale,
            OfficialFraming.NeckX.Expected * size - scale * neckX,
            OfficialFraming.NeckY.Expected * size - scale * neckY,
            size, string.Join(" + ", estimates.Select(e => e.Basis)));
    }

    /// <summary>The person as it will appear on the fitted canvas, normalised by the canvas size.</summary>
    public NormalizedPose Apply(NormalizedPose pixels) => pixels.Transformed(Scale / Size, ShiftX / Size, ShiftY / Size);

    /// <summary>The fitted portrait: bilinear warp, borders replicated (padding reads as more background, not black bars).</summary>
    public RgbImage Render(RgbImage source) => OpenCvBilinear.WarpAffine(source, Matrix, Size, Size, replicateBorder: true);
}
