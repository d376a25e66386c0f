namespace EchoMimic.Inference.Samples;

/// <summary>A 2-D point in image coordinates normalised to [0, 1] (x to the right, y down).</summary>
public readonly record struct Point2(double X, double Y);

/// <summary>
/// A simple open hand in DWPose's 21-keypoint layout (0 wrist; 1-4 thumb; 5-8 index; 9-12 middle; 13-16 ring;
/// 17-20 little finger). Used to synthesise the project's own gestures and to paint the sample portrait's hands at
/// the same places, so the portrait and the gestures agree.
/// </summary>
public static class HandModel
{
    // Per finger: base angle (degrees from "up", positive towards the thumb side) and segment lengths in
    // units of the hand length (wrist -> knuckle, then the three phalanges).
    private static readonly (double Angle, double[] Segments)[] Fingers =
    [
        (48, [0.20, 0.18, 0.14, 0.12]),
        (14, [0.46, 0.22, 0.14, 0.11]),
        (2, [0.47, 0.25, 0.15, 0.12]),
        (-10, [0.45, 0.22, 0.14, 0.11]),
        (-22, [0.41, 0.17, 0.11, 0.10]),
    ];

    /// <summary>
    /// The 21 keypoints of a hand with its wrist at <paramref name="wrist"/>, pointing <paramref name="tiltDegrees"/>
    /// away from straight up (positive = clockwise in the image), <paramref name="length"/> long (normalised to the
    /// image height; <paramref name="aspect"/> = height / width converts x), thumb towards +x when
    /// <paramref name="thumbRight"/>. <paramref name="spread"/> scales the finger fan (1 = relaxed open hand).
    /// </summary>
    public static Point2[] Keypoints(Point2 wrist, double tiltDegrees, double length, bool thumbRight, double spread = 1.0, double aspect = 1.0)
    {
        var points = new Point2[21];
        points[0] = wrist;
        double side = thumbRight ? 1 : -1;
        for (int f = 0; f < Fingers.Length; f++)
        {
            var (angle, segments) = Fingers[f];
            double x = 0, y = 0;
            for (int s = 0; s < 4; s++)
            {
                // Fingers curl slightly inwards towards the tip; the thumb bends further out.
                double a = (angle * spread + (f == 0 ? 12 * s : -2 * s)) * side + tiltDegrees;
                double rad = a * Math.PI / 180;
                x += Math.Sin(rad) * segments[s];
                y -= Math.Cos(rad) * segments[s];
                points[1 + f * 4 + s] = new Point2(wrist.X + x * length * aspect, wrist.Y + y * length);
            }
        }
        return points;
    }
}
