using EchoMimic.Inference.Samples;

namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>
/// The rest/idle base under every composed gesture: both hands at the sample figure's rest, breathing (about
/// 3.2 s per breath, as <see cref="GestureLibrary.Breathing"/>) and swaying a little. Breath rate, breath depth and
/// sway drift with slow seeded noise (three incommensurate sines each), and each hand drifts on its own, so the
/// idle never repeats exactly.
/// </summary>
public sealed class IdleMotion
{
    private readonly double[] _freq = new double[15], _phase = new double[15];
    private readonly double _fps;

    public IdleMotion(int seed, double fps)
    {
        _fps = fps;
        var random = new Random(seed);
        for (int i = 0; i < _freq.Length; i++)
        {
            _freq[i] = 0.021 + 0.09 * random.NextDouble();
            _phase[i] = 2 * Math.PI * random.NextDouble();
        }
    }

    /// <summary>The 84 hand values of frame <paramref name="frame"/>.</summary>
    public double[] At(int frame)
    {
        double t = frame / _fps;
        // Breath phase: the integral of a rate that drifts by up to +/-12 % around one breath per 3.2 s.
        double phase = 2 * Math.PI * t / 3.2;
        for (int i = 0; i < 3; i++) phase -= 2 * Math.PI / 3.2 * 0.04 * Math.Cos(2 * Math.PI * _freq[i] * t + _phase[i]) / (2 * Math.PI * _freq[i]);
        double depth = 1 + 0.25 * Noise(3, t);
        double breath = depth * Math.Sin(phase);
        double sway = 0.6 * Math.Sin(2 * Math.PI * t / 5.1 + _phase[14]) + 0.6 * Noise(6, t);
        // Each hand also drifts on its own, so both would have to line up for a stretch of idle to repeat.
        double leftDrift = Noise(9, t), rightDrift = Noise(12, t);
        var left = new Point2(GestureLibrary.RestLeftWrist.X + 0.004 * sway + 0.003 * leftDrift, GestureLibrary.RestLeftWrist.Y - 0.010 * breath);
        var right = new Point2(GestureLibrary.RestRightWrist.X + 0.004 * sway + 0.003 * rightDrift, GestureLibrary.RestRightWrist.Y - 0.010 * breath);
        double spread = 1.0 + 0.05 * breath;
        var leftHand = HandModel.Keypoints(left, GestureLibrary.RestTilt + 3 * sway + 4 * leftDrift, GestureLibrary.HandLength, thumbRight: false, spread);
        var rightHand = HandModel.Keypoints(right, -GestureLibrary.RestTilt + 3 * sway - 4 * rightDrift, GestureLibrary.HandLength, thumbRight: true, spread);
        return leftHand.Concat(rightHand).SelectMany(p => new[] { p.X, p.Y }).ToArray();
    }

    /// <summary>Three slow sines from index <paramref name="from"/>, about -1..1.</summary>
    private double Noise(int from, double t)
    {
        double sum = 0;
        for (int i = from; i < from + 3; i++) sum += Math.Sin(2 * Math.PI * _freq[i] * t + _phase[i]);
        return sum / 3;
    }
}
