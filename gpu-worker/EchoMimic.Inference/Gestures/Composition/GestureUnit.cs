using EchoMimic.Core;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>
/// One gesture unit: a short clip of both hands (2 x 21 points, official order: [left, right], the subject's left
/// hand on the image's right) with its phases marked: preparation [0, StrokeStart), stroke [StrokeStart, StrokeEnd)
/// with its apex at <see cref="Apex"/> (the frame that lands on a stressed syllable), retraction [StrokeEnd, end).
/// The composer adds the unit's motion to the rest pose as a displacement from the unit's own start-to-end line, so
/// a unit that does not end where it began still blends into the rest with no jump.
/// </summary>
public sealed class GestureUnit
{
    public const int Values = 2 * PoseFrame.HandPoints * 2;

    private readonly double[][] _delta;

    public GestureUnit(string name, IReadOnlyList<double[]> hands, int strokeStart, int apex, int strokeEnd, string source)
    {
        if (hands.Count < 3) throw new InputException(name, "a gesture unit needs at least 3 frames");
        if (!(0 <= strokeStart && strokeStart <= apex && apex < strokeEnd && strokeEnd <= hands.Count))
            throw new InputException(name, $"phases must satisfy 0 <= stroke_start <= apex < stroke_end <= frames ({hands.Count}); got {strokeStart}, {apex}, {strokeEnd}");
        Name = name;
        Source = source;
        StrokeStart = strokeStart;
        Apex = apex;
        StrokeEnd = strokeEnd;
        Hands = hands;
        int n = hands.Count;
        _delta = new double[n][];
        for (int t = 0; t < n; t++)
        {
            double w = t / (double)(n - 1);
            _delta[t] = new double[Values];
            for (int v = 0; v < Values; v++) _delta[t][v] = hands[t][v] - ((1 - w) * hands[0][v] + w * hands[n - 1][v]);
        }
        MaxStep = MaxJointStep(hands);
    }

    public string Name { get; }

    /// <summary>Where the unit comes from: <c>procedural</c> or the folder it was read from.</summary>
    public string Source { get; }

    public int StrokeStart { get; }
    public int Apex { get; }
    public int StrokeEnd { get; }
    public int Length => Hands.Count;

    /// <summary>Per frame, the 84 values x0, y0, x1, y1, ... of the left hand's 21 points then the right hand's.</summary>
    public IReadOnlyList<double[]> Hands { get; }

    /// <summary>The largest frame-to-frame move of one hand point in the unit (normalised units).</summary>
    public double MaxStep { get; }

    /// <summary>The displacement from the rest line at fractional frame <paramref name="t"/>, mirrored left-right when asked.</summary>
    public void DeltaAt(double t, bool mirror, double[] into)
    {
        t = Math.Clamp(t, 0, Length - 1);
        int a = (int)Math.Floor(t), b = Math.Min(Length - 1, a + 1);
        double w = t - a;
        for (int hand = 0; hand < 2; hand++)
        {
            int from = mirror ? 1 - hand : hand;
            for (int k = 0; k < PoseFrame.HandPoints * 2; k++)
            {
                int src = from * PoseFrame.HandPoints * 2 + k;
                double d = (1 - w) * _delta[a][src] + w * _delta[b][src];
                into[hand * PoseFrame.HandPoints * 2 + k] = mirror && k % 2 == 0 ? -d : d;
            }
        }
    }

    /// <summary>Both hands of a pose frame as 84 values; points below the confidence limit hold the previous frame's value.</summary>
    public static double[] HandsOf(PoseFrame frame, double[]? previous)
    {
        var values = new double[Values];
        for (int hand = 0; hand < 2; hand++)
            for (int p = 0; p < PoseFrame.HandPoints; p++)
            {
                int i = (hand * PoseFrame.HandPoints + p) * 2;
                bool ok = hand < frame.HandCount && frame.HandScore(hand, p) > 0.3;
                values[i] = ok ? frame.HandX(hand, p) : previous?[i] ?? double.NaN;
                values[i + 1] = ok ? frame.HandY(hand, p) : previous?[i + 1] ?? double.NaN;
            }
        return values;
    }

    public static double MaxJointStep(IReadOnlyList<double[]> hands)
    {
        double max = 0;
        for (int t = 1; t < hands.Count; t++)
            for (int i = 0; i < Values; i += 2)
                max = Math.Max(max, Math.Sqrt(Square(hands[t][i] - hands[t - 1][i]) + Square(hands[t][i + 1] - hands[t - 1][i + 1])));
        return max;
    }

    private static double Square(double x) => x * x;
}
