using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.Samples;

/// <summary>
/// The project's own procedural gestures, written in the official per-frame <c>N.npy</c> format (one person, hands
/// [left, right] where the subject's left hand appears on the image's right, <c>draw_pose_params</c>
/// <c>[768, 768, 0, 768, 0, 768]</c> like the official files). Positions match <see cref="PortraitPainter"/>'s figure.
/// </summary>
public static class GestureLibrary
{
    public const int Fps = 24;
    public static readonly int[] OfficialDrawParams = [768, 768, 0, 768, 0, 768];

    /// <summary>Resting wrist positions of the sample figure: open hands at waist height, like the demo portraits.</summary>
    public static readonly Point2 RestLeftWrist = new(0.745, 0.735), RestRightWrist = new(0.255, 0.735);
    public const double HandLength = 0.115;
    public const double RestTilt = 62;

    public static IReadOnlyList<string> Names => ["breathing", "hand_raise"];

    public static IReadOnlyList<PoseFrame> Make(string name) => name switch
    {
        "breathing" => Breathing(6.0),
        "hand_raise" => HandRaise(8.0),
        _ => throw new ArgumentException($"unknown gesture '{name}'", nameof(name)),
    };

    /// <summary>Both hands at rest, rising and falling with a slow breath and a little sway.</summary>
    public static IReadOnlyList<PoseFrame> Breathing(double seconds) => Frames(seconds, t =>
    {
        double breath = Math.Sin(2 * Math.PI * t / 3.2);
        double sway = Math.Sin(2 * Math.PI * t / 5.1);
        var left = new Point2(RestLeftWrist.X + 0.004 * sway, RestLeftWrist.Y - 0.010 * breath);
        var right = new Point2(RestRightWrist.X + 0.004 * sway, RestRightWrist.Y - 0.010 * breath);
        return (left, RestTilt + 3 * sway, right, -RestTilt + 3 * sway, 1.0 + 0.05 * breath);
    });

    /// <summary>The subject's right hand (image left) rises to shoulder height, waves, and comes back down.</summary>
    public static IReadOnlyList<PoseFrame> HandRaise(double seconds) => Frames(seconds, t =>
    {
        double breath = Math.Sin(2 * Math.PI * t / 3.2);
        var left = new Point2(RestLeftWrist.X, RestLeftWrist.Y - 0.008 * breath);
        // 0-1 s rest, 1-2.5 s raise, 2.5-5.5 s wave, 5.5-7 s lower, then rest.
        double up = Ease((t - 1.0) / 1.5) - Ease((t - 5.5) / 1.5);
        var raised = new Point2(0.315, 0.40);
        var right = new Point2(Lerp(RestRightWrist.X, raised.X, up), Lerp(RestRightWrist.Y, raised.Y, up) - 0.006 * breath);
        double wave = t is > 2.5 and < 5.5 ? 14 * Math.Sin(2 * Math.PI * 1.4 * (t - 2.5)) : 0;
        double rightTilt = Lerp(-RestTilt, -8, up) + wave * up;
        return (left, RestTilt, right, rightTilt, 1.0 + 0.25 * up);
    });

    private static IReadOnlyList<PoseFrame> Frames(double seconds, Func<double, (Point2 Left, double LeftTilt, Point2 Right, double RightTilt, double Spread)> at)
    {
        int count = (int)Math.Round(seconds * Fps);
        var frames = new PoseFrame[count];
        for (int i = 0; i < count; i++)
        {
            var (left, leftTilt, right, rightTilt, spread) = at(i / (double)Fps);
            var leftHand = HandModel.Keypoints(left, leftTilt, HandLength, thumbRight: false, spread);
            var rightHand = HandModel.Keypoints(right, rightTilt, HandLength, thumbRight: true, spread);
            frames[i] = ToFrame(i, leftHand, rightHand);
        }
        return frames;
    }

    internal static PoseFrame ToFrame(int index, Point2[] leftHand, Point2[] rightHand)
    {
        var hands = new double[2 * 21 * 2];
        var scores = new double[2 * 21];
        for (int k = 0; k < 21; k++)
        {
            hands[k * 2] = leftHand[k].X; hands[k * 2 + 1] = leftHand[k].Y;
            hands[42 + k * 2] = rightHand[k].X; hands[42 + k * 2 + 1] = rightHand[k].Y;
            // Fingertips are detected a little less surely than knuckles, as with DWPose.
            scores[k] = scores[21 + k] = k % 4 == 0 && k > 0 ? 0.86 : 0.94;
        }
        var body = BodyTemplate(leftHand[0], rightHand[0]);
        var subset = Enumerable.Range(0, 18).Select(j => j is 9 or 10 or 12 or 13 ? -1.0 : j).ToArray();
        var bodyScore = Enumerable.Range(0, 18).Select(j => j is 9 or 10 or 12 or 13 ? 0.1 : 0.9).ToArray();
        return new PoseFrame(
            new NpyArray(hands, [2, 21, 2]), new NpyArray(scores, [2, 21]), (int[])OfficialDrawParams.Clone(),
            new NpyArray(body, [18, 2]), new NpyArray(subset, [1, 18]), new NpyArray(bodyScore, [1, 18]),
            new NpyArray(FaceOutline(), [1, 68, 2]), new NpyArray(Enumerable.Repeat(0.9, 68).ToArray(), [1, 68]), index);
    }

    /// <summary>OpenPose-18 body points of the sample figure (subject's right side on the image's left).</summary>
    private static double[] BodyTemplate(Point2 leftWrist, Point2 rightWrist)
    {
        Point2[] p =
        [
            new(0.50, 0.25), new(0.50, 0.45), new(0.30, 0.47), new(0.31, 0.77), rightWrist, new(0.70, 0.47),
            new(0.69, 0.77), leftWrist, new(0.39, 0.95), new(0.39, 1.20), new(0.39, 1.40), new(0.61, 0.95),
            new(0.61, 1.20), new(0.61, 1.40), new(0.47, 0.22), new(0.53, 0.22), new(0.44, 0.23), new(0.56, 0.23),
        ];
        return p.SelectMany(q => new[] { q.X, q.Y }).ToArray();
    }

    private static double[] FaceOutline() => Enumerable.Range(0, 68)
        .SelectMany(k => new[] { 0.5 + 0.07 * Math.Cos(2 * Math.PI * k / 68), 0.22 + 0.09 * Math.Sin(2 * Math.PI * k / 68) }).ToArray();

    private static double Ease(double x) => x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x);
    private static double Lerp(double a, double b, double t) => a + (b - a) * t;
}
