namespace EchoMimic.Inference.DwPose;

/// <summary>The before/after image of a retarget: the gesture's first frame over the portrait, unfitted (left) and fitted (right).</summary>
public static class BeforeAfter
{
    public static RgbImage Draw(GestureSequence before, GestureSequence after, RgbImage portrait, int size)
    {
        var left = PosePreviewRenderer.Draw(before.ToPoseFrame(0), size, portrait);
        var right = PosePreviewRenderer.Draw(after.ToPoseFrame(0), size, portrait);
        var pixels = new byte[size * size * 2 * 3];
        for (int y = 0; y < size; y++)
        {
            Array.Copy(left.Pixels, y * size * 3, pixels, y * size * 6, size * 3);
            Array.Copy(right.Pixels, y * size * 3, pixels, y * size * 6 + size * 3, size * 3);
        }
        return new RgbImage(size, size * 2, pixels);
    }
}
