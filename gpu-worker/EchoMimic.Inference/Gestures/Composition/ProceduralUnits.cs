using EchoMimic.Inference.Samples;

namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>
/// The built-in gesture units, drawn with the same hand model and rest pose as the project's procedural gestures
/// (<see cref="GestureLibrary"/>): <c>hand_raise</c> is that gesture's raise-wave-lower cut out of its rests; the
/// others are beat gestures (the short up-down flicks that mark stressed syllables in speech), an open-palms spread,
/// a presenting sweep and a chop, each given as eased key poses. Every unit is one-handed (the subject's right) or
/// symmetric; the composer mirrors them for the other hand.
/// </summary>
public static class ProceduralUnits
{
    private static readonly Point2 RestL = GestureLibrary.RestLeftWrist, RestR = GestureLibrary.RestRightWrist;
    private const double Tilt = GestureLibrary.RestTilt;

    /// <summary>A key pose: time (s), the subject's right wrist and tilt, the left wrist and tilt, finger spread.</summary>
    private sealed record Key(double T, Point2 Right, double RightTilt, Point2 Left, double LeftTilt, double Spread = 1.0);

    public static IReadOnlyList<GestureUnit> All(double fps) =>
    [
        HandRaise(fps),
        FromKeys("beat", fps, strokeStart: 0.40, apex: 0.55, strokeEnd: 0.65,
            Rest(0), RightAt(0.40, 0.300, 0.625, -40), RightAt(0.55, 0.292, 0.680, -46), RightAt(0.65, 0.294, 0.672, -45), Rest(1.15)),
        FromKeys("beat_both", fps, strokeStart: 0.40, apex: 0.55, strokeEnd: 0.65,
            Rest(0), BothAt(0.40, 0.300, 0.630, -40), BothAt(0.55, 0.295, 0.685, -46), BothAt(0.65, 0.297, 0.677, -45), Rest(1.20)),
        FromKeys("double_beat", fps, strokeStart: 0.40, apex: 0.55, strokeEnd: 0.95,
            Rest(0), RightAt(0.40, 0.305, 0.620, -38), RightAt(0.55, 0.298, 0.675, -44), RightAt(0.75, 0.303, 0.628, -39),
            RightAt(0.90, 0.298, 0.678, -44), Rest(1.45)),
        FromKeys("open_palms", fps, strokeStart: 0.45, apex: 0.60, strokeEnd: 0.90,
            Rest(0), new Key(0.45, new(0.215, 0.640), -78, new(0.785, 0.640), 78, 1.25), new Key(0.60, new(0.205, 0.655), -84, new(0.795, 0.655), 84, 1.3),
            new Key(0.90, new(0.208, 0.650), -82, new(0.792, 0.650), 82, 1.3), Rest(1.55)),
        FromKeys("present", fps, strokeStart: 0.45, apex: 0.60, strokeEnd: 0.95,
            Rest(0), RightAt(0.45, 0.215, 0.600, -80, 1.2), RightAt(0.60, 0.205, 0.615, -86, 1.25), RightAt(0.95, 0.210, 0.610, -84, 1.25), Rest(1.60)),
        FromKeys("chop", fps, strokeStart: 0.45, apex: 0.60, strokeEnd: 0.70,
            Rest(0), RightAt(0.45, 0.345, 0.560, -22), RightAt(0.60, 0.335, 0.640, -30), RightAt(0.70, 0.333, 0.635, -30), Rest(1.25)),
    ];

    /// <summary>
    /// <see cref="GestureLibrary.HandRaise"/>: the raise (1.0-2.5 s), two of its wave cycles (2.5-3.93 s, ending where the
    /// wave passes zero) and the lowering (5.5-7.0 s, which starts at zero wave too). Its full 3 s of wave would repeat
    /// itself inside one unit.
    /// </summary>
    private static GestureUnit HandRaise(double fps)
    {
        var frames = GestureLibrary.HandRaise(8.0);
        int Frame(double seconds) => (int)Math.Round(seconds * GestureLibrary.Fps);
        var hands = new List<double[]>();
        double[]? previous = null;
        for (int f = Frame(1.0); f < Frame(2.5 + 2 / 1.4); f++) hands.Add(previous = GestureUnit.HandsOf(frames[f], previous));
        int lowering = hands.Count;
        for (int f = Frame(5.5); f <= Frame(7.0); f++) hands.Add(previous = GestureUnit.HandsOf(frames[f], previous));
        // The wave's first swing outwards peaks 0.18 s after the raise ends.
        var unit = new GestureUnit("hand_raise", hands, Frame(1.5), Frame(1.68), lowering, "procedural (gesture hand_raise)");
        return Math.Abs(fps - GestureLibrary.Fps) < 1e-9 ? unit : Resample(unit, fps);
    }

    private static GestureUnit Resample(GestureUnit unit, double fps)
    {
        double ratio = GestureLibrary.Fps / fps;
        int n = (int)Math.Round((unit.Length - 1) / ratio) + 1;
        var hands = new List<double[]>();
        for (int t = 0; t < n; t++)
        {
            double s = Math.Min(unit.Length - 1, t * ratio);
            int a = (int)s, b = Math.Min(unit.Length - 1, a + 1);
            double w = s - a;
            hands.Add(unit.Hands[a].Zip(unit.Hands[b], (x, y) => (1 - w) * x + w * y).ToArray());
        }
        int At(int frame) => Math.Min(n - 1, (int)Math.Round(frame / ratio));
        return new GestureUnit(unit.Name, hands, At(unit.StrokeStart), At(unit.Apex), Math.Max(At(unit.Apex) + 1, At(unit.StrokeEnd)), unit.Source);
    }

    private static Key Rest(double t) => new(t, RestR, -Tilt, RestL, Tilt);
    private static Key RightAt(double t, double x, double y, double tilt, double spread = 1.0) => new(t, new(x, y), tilt, RestL, Tilt, spread);
    private static Key BothAt(double t, double x, double y, double tilt) => new(t, new(x, y), tilt, new(1 - x, y), -tilt);

    private static GestureUnit FromKeys(string name, double fps, double strokeStart, double apex, double strokeEnd, params Key[] keys)
    {
        int count = (int)Math.Round(keys[^1].T * fps) + 1;
        var hands = new List<double[]>();
        for (int f = 0; f < count; f++)
        {
            double t = f / fps;
            int k = 0;
            while (k < keys.Length - 2 && t > keys[k + 1].T) k++;
            var (a, b) = (keys[k], keys[k + 1]);
            double w = Ease((t - a.T) / (b.T - a.T));
            var right = new Point2(Lerp(a.Right.X, b.Right.X, w), Lerp(a.Right.Y, b.Right.Y, w));
            var left = new Point2(Lerp(a.Left.X, b.Left.X, w), Lerp(a.Left.Y, b.Left.Y, w));
            double spread = Lerp(a.Spread, b.Spread, w);
            var leftHand = HandModel.Keypoints(left, Lerp(a.LeftTilt, b.LeftTilt, w), GestureLibrary.HandLength, thumbRight: false, spread);
            var rightHand = HandModel.Keypoints(right, Lerp(a.RightTilt, b.RightTilt, w), GestureLibrary.HandLength, thumbRight: true, spread);
            hands.Add(leftHand.Concat(rightHand).SelectMany(p => new[] { p.X, p.Y }).ToArray());
        }
        int Frame(double seconds) => Math.Min(count - 1, (int)Math.Round(seconds * fps));
        return new GestureUnit(name, hands, Frame(strokeStart), Frame(apex), Math.Max(Frame(apex) + 1, Frame(strokeEnd)), "procedural");
    }

    private static double Ease(double x) => x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x);
    private static double Lerp(double a, double b, double t) => a + (b - a) * t;
}
