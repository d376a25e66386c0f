using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.DwPose;

/// <summary>Per-metric median of one pose sequence (one folder of N.npy frames).</summary>
public sealed record SequenceFraming(string Name, int Frames, double HeadTopY, double NoseY, double NeckX, double NeckY, double ShoulderWidth, double HipY);

/// <summary>
/// Measures the framing the official gestures (and therefore the aligned demo portraits) use: the median of each
/// <see cref="FramingMetrics"/> value over every frame of a sequence. This is how <see cref="OfficialFraming"/> was
/// obtained (<c>echomimic ref measure ../shared/samples/echomimicv2/pose/*</c>).
/// </summary>
public static class FramingSurvey
{
    public static SequenceFraming MeasureSequence(string folder)
    {
        var metrics = NpyPoseReader.ReadFolder(folder).Select(f => FramingMetrics.Measure(NormalizedPose.FromFrame(f))).ToList();
        return new SequenceFraming(
            Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), metrics.Count,
            Median(metrics.Select(m => m.HeadTopY)), Median(metrics.Select(m => m.NoseY)),
            Median(metrics.Select(m => m.NeckX)), Median(metrics.Select(m => m.NeckY)),
            Median(metrics.Select(m => m.ShoulderWidth)), Median(metrics.Select(m => m.HipY)));
    }

    public static double Median(IEnumerable<double?> values)
    {
        var sorted = values.Where(v => v.HasValue).Select(v => v!.Value).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
