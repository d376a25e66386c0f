using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.DwPose;

/// <summary>
/// Preview drawings for people, not for the model: the body skeleton (OpenPose limbs and colours, visible points
/// only) under the exact pose map the model gets (<see cref="PoseMapRenderer.RenderFrame"/>: hands only), optionally
/// over a portrait so the alignment of gesture and person can be judged before any GPU time is spent.
/// </summary>
public static class PosePreviewRenderer
{
    // OpenPose limbSeq (util.draw_bodypose), zero-based.
    private static readonly (int A, int B)[] Limbs =
    [
        (1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8), (8, 9), (9, 10), (1, 11), (11, 12), (12, 13),
        (1, 0), (0, 14), (14, 16), (0, 15), (15, 17),
    ];

    private static readonly (byte R, byte G, byte B)[] Colours =
    [
        (255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0), (0, 255, 0), (0, 255, 85),
        (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255), (0, 0, 255), (85, 0, 255), (170, 0, 255), (255, 0, 255),
        (255, 0, 170), (255, 0, 85),
    ];

    /// <summary>One preview frame of <paramref name="size"/> x <paramref name="size"/>; the background (if any) is resized to it.</summary>
    public static RgbImage Draw(PoseFrame frame, int size, RgbImage? background = null)
    {
        var body = new BgrCanvas(size, size);
        for (int i = 0; i < Limbs.Length; i++)
        {
            var (a, b) = Limbs[i];
            if (!Visible(frame, a) || !Visible(frame, b)) continue;
            var c = Colours[i];
            body.ThickLine(Px(frame, a, 0, size), Px(frame, a, 1, size), Px(frame, b, 0, size), Px(frame, b, 1, size), 3, (c.B, c.G, c.R));
        }
        for (int j = 0; j < 18; j++)
            if (Visible(frame, j)) { var c = Colours[j]; body.Circle(Px(frame, j, 0, size), Px(frame, j, 1, size), 4, (c.B, c.G, c.R)); }

        var hands = PoseMapRenderer.RenderFrame(frame, size, size, out _);
        var pixels = background is null ? new byte[size * size * 3]
            : background.Height == size && background.Width == size ? (byte[])background.Pixels.Clone()
            : OpenCvBilinear.Resize(background, size, size).Pixels;
        for (int p = 0; p < size * size; p++)
        {
            int i = p * 3;
            if (hands[i] != 0 || hands[i + 1] != 0 || hands[i + 2] != 0)
            {
                pixels[i] = hands[i]; pixels[i + 1] = hands[i + 1]; pixels[i + 2] = hands[i + 2];
            }
            else if (body.Pixels[i] != 0 || body.Pixels[i + 1] != 0 || body.Pixels[i + 2] != 0)
            {
                // BGR canvas -> RGB image.
                pixels[i] = body.Pixels[i + 2]; pixels[i + 1] = body.Pixels[i + 1]; pixels[i + 2] = body.Pixels[i];
            }
        }
        return new RgbImage(size, size, pixels);
    }

    private static bool Visible(PoseFrame frame, int j) => frame.BodySubset.Data.Length > j && frame.BodySubset.Data[j] >= 0;

    private static int Px(PoseFrame frame, int j, int axis, int size) => (int)Math.Clamp(frame.BodyCandidate.Data[j * 2 + axis] * size, -size, 2 * size);
}
