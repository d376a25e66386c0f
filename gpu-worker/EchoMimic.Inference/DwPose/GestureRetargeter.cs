namespace EchoMimic.Inference.DwPose;

/// <summary>The similarity that moves a gesture onto a portrait's body: p' = Scale * (p - From) + To (normalised coordinates).</summary>
public sealed record Retarget(double Scale, double FromX, double FromY, double ToX, double ToY, string Basis)
{
    public (double X, double Y) Map(double x, double y) => (Scale * (x - FromX) + ToX, Scale * (y - FromY) + ToY);
}

/// <summary>
/// Gesture retargeting: one uniform scale + translation for the whole sequence (per-frame fitting would turn the
/// gesture's own body sway into jitter), so hands stay exactly where they were relative to the body. Scale = ratio of
/// shoulder widths, averaged with the ratio of neck-to-hip lengths when hips are visible in both; the gesture's
/// median neck goes onto the portrait's neck.
/// </summary>
public static class GestureRetargeter
{
    public static Retarget Solve(GestureSequence gesture, NormalizedPose portrait)
    {
        var target = FramingMetrics.Measure(portrait);
        if (target.NeckX is not { } toX || target.NeckY is not { } toY || target.ShoulderWidth is not { } toShoulders)
            throw new InvalidOperationException("the portrait's shoulders are not visible, so the gesture cannot be fitted to it");
        var frames = Enumerable.Range(0, gesture.Frames.Count).Select(i => FramingMetrics.Measure(gesture.Pose(i))).ToList();
        double fromX = FramingSurvey.Median(frames.Select(m => m.NeckX)), fromY = FramingSurvey.Median(frames.Select(m => m.NeckY));
        double fromShoulders = FramingSurvey.Median(frames.Select(m => m.ShoulderWidth));
        if (double.IsNaN(fromX) || double.IsNaN(fromShoulders) || fromShoulders <= 0)
            throw new InvalidOperationException("the gesture's shoulders are never visible, so it cannot be fitted");
        var ratios = new List<double> { toShoulders / fromShoulders };
        string basis = "shoulder width";
        double fromHip = FramingSurvey.Median(frames.Select(m => m.HipY));
        if (target.HipY is { } toHip && !double.IsNaN(fromHip) && fromHip - fromY > 0 && toHip - toY > 0)
        {
            ratios.Add((toHip - toY) / (fromHip - fromY));
            basis += " + torso length";
        }
        return new Retarget(ratios.Average(), fromX, fromY, toX, toY, basis);
    }

    public static GestureSequence Apply(GestureSequence gesture, Retarget retarget) =>
        gesture with
        {
            Frames = gesture.Frames.Select(f =>
            {
                var xy = new double[f.Xy.Length];
                for (int p = 0; p < f.Xy.Length / 2; p++)
                    (xy[p * 2], xy[p * 2 + 1]) = retarget.Map(f.Xy[p * 2], f.Xy[p * 2 + 1]);
                return f with { Xy = xy };
            }).ToList(),
        };
}
