using static TorchSharp.torch;

namespace EchoMimic.Inference.Pose;

/// <summary>
/// Turns pose frames into the pose-map conditioning of the denoising UNet, as infer.py does with
/// <c>draw_pose_select_v2</c> (<c>src/utils/dwpose_util.py</c>): hands only, drawn with OpenCV on a canvas scaled so
/// its short side is <c>ref_w</c> = 800, resized to the target size, BGR -> RGB.
/// </summary>
public static class PoseMapRenderer
{
    public const int ReferenceWidth = 800;
    private const double Eps = 0.01;

    /// <summary>The 20 hand edges of DWPose's <c>draw_handpose</c>: wrist to each finger, then along it.</summary>
    private static readonly (int A, int B)[] HandEdges =
    [
        (0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (0, 9), (9, 10),
        (10, 11), (11, 12), (0, 13), (13, 14), (14, 15), (15, 16), (0, 17), (17, 18), (18, 19), (19, 20),
    ];

    /// <summary>
    /// <c>draw_pose_select_v2(pose, H, W, ref_w)</c>: an (H, W, 3) RGB image (row-major bytes).
    /// </summary>
    public static byte[] DrawSelectV2(PoseFrame pose, int height, int width, int referenceWidth = ReferenceWidth)
    {
        int shortSide = Math.Min(height, width);
        double sr = shortSide != referenceWidth ? referenceWidth / (double)shortSide : 1;
        var canvas = new BgrCanvas((int)(height * sr), (int)(width * sr));
        DrawHands(canvas, pose);
        var resized = OpenCvLinearResize.Resize(canvas.Pixels, canvas.Height, canvas.Width, height, width);
        for (int i = 0; i < resized.Length; i += 3) (resized[i], resized[i + 2]) = (resized[i + 2], resized[i]);
        return resized;
    }

    private static void DrawHands(BgrCanvas canvas, PoseFrame pose)
    {
        int h = canvas.Height, w = canvas.Width;
        for (int hand = 0; hand < pose.HandCount; hand++)
        {
            for (int e = 0; e < HandEdges.Length; e++)
            {
                var (a, b) = HandEdges[e];
                int x1 = (int)(pose.HandX(hand, a) * w), y1 = (int)(pose.HandY(hand, a) * h);
                int x2 = (int)(pose.HandX(hand, b) * w), y2 = (int)(pose.HandY(hand, b) * h);
                if (!(x1 > Eps && y1 > Eps && x2 > Eps && y2 > Eps)) continue;
                double strength = (int)(pose.HandScore(hand, a) * pose.HandScore(hand, b) * 255);
                var (r, g, bl) = HsvToRgb(e / (double)HandEdges.Length);
                // The RGB triple goes in as OpenCV's (B, G, R) scalar, rounded half-to-even and saturated.
                canvas.ThickLine(x1, y1, x2, y2, 2, (Saturate(r * strength), Saturate(g * strength), Saturate(bl * strength)));
            }
            for (int k = 0; k < PoseFrame.HandPoints; k++)
            {
                int x = (int)(pose.HandX(hand, k) * w), y = (int)(pose.HandY(hand, k) * h);
                if (!(x > Eps && y > Eps)) continue;
                canvas.Circle(x, y, 4, (0, 0, Saturate((int)(pose.HandScore(hand, k) * 255))));
            }
        }
    }

    /// <summary>matplotlib's <c>hsv_to_rgb</c> at full saturation and value, with its float64 operation order.</summary>
    private static (double R, double G, double B) HsvToRgb(double hue)
    {
        const double s = 1.0, v = 1.0;
        int i = (int)(hue * 6.0);
        double f = hue * 6.0 - i;
        double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        return (i % 6) switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }

    private static byte Saturate(double value) => (byte)Math.Clamp(BgrCanvas.CvRound(value), 0, 255);

    /// <summary>
    /// The pose map of one frame on an H x W canvas (infer.py's <c>tgt_musk</c>, but allocated H x W so that
    /// non-square sizes work): the drawing placed at rows rb:re, cols cb:ce of <c>draw_pose_params</c>. When the
    /// params do not describe this canvas (e.g. the official files' fixed 768 x 768 at another size) the hands are
    /// drawn at the render size instead: coordinates are normalised, so this is what a pose folder extracted at that
    /// size would hold.
    /// </summary>
    public static byte[] RenderFrame(PoseFrame pose, int height, int width, out bool rescaled)
    {
        var p = pose.DrawPoseParams;
        int imh = p[0], imw = p[1], rb = p[2], re = p[3], cb = p[4], ce = p[5];
        rescaled = !(rb >= 0 && cb >= 0 && Math.Min(re, height) - rb == imh && Math.Min(ce, width) - cb == imw && imh > 0 && imw > 0);
        if (rescaled) { imh = height; imw = width; rb = 0; cb = 0; }
        var image = DrawSelectV2(pose, imh, imw);
        if (!rescaled && imh == height && imw == width && rb == 0 && cb == 0) return image;
        var target = new byte[height * width * 3];
        for (int y = 0; y < imh; y++)
            Array.Copy(image, y * imw * 3, target, ((rb + y) * width + cb) * 3, imw * 3);
        return target;
    }

    /// <summary>Pose maps of a frame sequence as the pipeline's input: (1, 3, L, H, W) float32 = uint8 / 255.</summary>
    public static Tensor RenderSequence(IReadOnlyList<PoseFrame> frames, int height, int width, out bool rescaled)
    {
        rescaled = false;
        var bytes = new byte[(long)frames.Count * height * width * 3];
        for (int f = 0; f < frames.Count; f++)
        {
            var frame = RenderFrame(frames[f], height, width, out var r);
            rescaled |= r;
            frame.CopyTo(bytes, (long)f * frame.Length);
        }
        using var scope = NewDisposeScope();
        var u8 = tensor(bytes, [frames.Count, height, width, 3], ScalarType.Byte);
        return (u8.permute(3, 0, 1, 2).unsqueeze(0).to_type(ScalarType.Float32) / 255.0f).contiguous().MoveToOuterDisposeScope();
    }
}
