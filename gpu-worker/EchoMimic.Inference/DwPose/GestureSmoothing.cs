namespace EchoMimic.Inference.DwPose;

/// <summary>
/// Fills frames without a person and removes keypoint jitter. Filter: a centred triangular moving average over 5
/// frames (weights 1-2-3-2-1), per keypoint coordinate, over the frames where that keypoint is confident
/// (score &gt; 0.3); unconfident points keep their raw value. Centred (zero lag), because extraction is offline; near
/// the ends the window shrinks symmetrically (1-2-3 -> 2-3-2, then the raw frame) so the ends are not pulled inwards.
/// </summary>
public static class GestureSmoothing
{
    public const double VisibleScore = 0.3;
    private static readonly double[] Weights = [1, 2, 3, 2, 1];

    /// <summary>
    /// Linear interpolation (positions and scores) between the nearest frames with a person; leading/trailing gaps
    /// hold the nearest detected frame. Null entries are the frames without a person; at least one must be present.
    /// </summary>
    public static List<GestureFrame> FillGaps(IReadOnlyList<(double[] Xy, float[] Scores)?> frames)
    {
        var known = Enumerable.Range(0, frames.Count).Where(i => frames[i] is not null).ToArray();
        if (known.Length == 0) throw new InvalidOperationException("no frame has a person");
        var result = new List<GestureFrame>(frames.Count);
        int next = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            if (frames[i] is { } f) { result.Add(new GestureFrame(f.Xy, f.Scores, false)); continue; }
            while (next < known.Length && known[next] < i) next++;
            int? after = next < known.Length ? known[next] : null;
            int? before = next > 0 ? known[next - 1] : null;
            var a = frames[(before ?? after)!.Value]!.Value;
            var b = frames[(after ?? before)!.Value]!.Value;
            double t = before is { } bi && after is { } ai ? (i - bi) / (double)(ai - bi) : 0;
            result.Add(new GestureFrame(
                a.Xy.Select((v, k) => v + (b.Xy[k] - v) * t).ToArray(),
                a.Scores.Select((v, k) => (float)(v + (b.Scores[k] - v) * t)).ToArray(),
                true));
        }
        return result;
    }

    public static List<GestureFrame> Smooth(IReadOnlyList<GestureFrame> frames)
    {
        int fullHalf = Weights.Length / 2;
        var result = new List<GestureFrame>(frames.Count);
        for (int t = 0; t < frames.Count; t++)
        {
            int half = Math.Min(fullHalf, Math.Min(t, frames.Count - 1 - t));
            var xy = (double[])frames[t].Xy.Clone();
            for (int p = 0; p < frames[t].Scores.Length; p++)
            {
                if (frames[t].Scores[p] <= VisibleScore) continue;
                double sx = 0, sy = 0, sw = 0;
                for (int k = -half; k <= half; k++)
                {
                    int u = t + k;
                    if (u < 0 || u >= frames.Count || frames[u].Scores[p] <= VisibleScore) continue;
                    double w = Weights[k + fullHalf];
                    sx += w * frames[u].X(p);
                    sy += w * frames[u].Y(p);
                    sw += w;
                }
                xy[p * 2] = sx / sw;
                xy[p * 2 + 1] = sy / sw;
            }
            result.Add(frames[t] with { Xy = xy });
        }
        return result;
    }
}
