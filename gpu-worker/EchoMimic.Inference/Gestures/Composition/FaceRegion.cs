using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>
/// Where the hands must not go: the box of the frame's 68 face points grown by <see cref="Margin"/> on every side,
/// and anything outside [<see cref="Edge"/>, 1 - <see cref="Edge"/>] of the frame.
/// </summary>
public sealed record FaceRegion(double Left, double Top, double Right, double Bottom)
{
    public const double Margin = 0.03;
    public const double Edge = 0.01;

    public static FaceRegion Of(PoseFrame frame)
    {
        var d = frame.Faces.Data;
        double l = double.MaxValue, t = double.MaxValue, r = double.MinValue, b = double.MinValue;
        for (int i = 0; i + 1 < d.Length; i += 2)
        {
            l = Math.Min(l, d[i]); r = Math.Max(r, d[i]);
            t = Math.Min(t, d[i + 1]); b = Math.Max(b, d[i + 1]);
        }
        return new FaceRegion(l - Margin, t - Margin, r + Margin, b + Margin);
    }

    /// <summary>True when every hand point of <paramref name="hands"/> (84 values) is inside the frame and off the face.</summary>
    public bool Allows(double[] hands)
    {
        for (int i = 0; i < hands.Length; i += 2)
        {
            double x = hands[i], y = hands[i + 1];
            if (x < Edge || x > 1 - Edge || y < Edge || y > 1 - Edge) return false;
            if (x > Left && x < Right && y > Top && y < Bottom) return false;
        }
        return true;
    }
}
