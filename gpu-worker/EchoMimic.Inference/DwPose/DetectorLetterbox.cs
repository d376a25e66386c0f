namespace EchoMimic.Inference.DwPose;

/// <summary>The YOLOX detector input: 1x3x640x640 float32 plus the resize ratio back to image pixels.</summary>
public sealed record DetectorInput(float[] Tensor, double Ratio);

/// <summary>
/// onnxdet.py <c>preprocess(img, (640, 640))</c>: resize by r = min(640/H, 640/W) with cv2 INTER_LINEAR, paste at the
/// TOP-LEFT of a 114-grey canvas (no centring), HWC to CHW, raw 0..255 values (no mean/std, no channel swap).
/// </summary>
public static class DetectorLetterbox
{
    public const int Size = 640;
    public const byte PadValue = 114;

    public static DetectorInput Apply(RgbImage image)
    {
        double ratio = Math.Min((double)Size / image.Height, (double)Size / image.Width);
        // int() truncation of W*r and H*r, as the official code does.
        int width = (int)(image.Width * ratio), height = (int)(image.Height * ratio);
        var resized = OpenCvBilinear.Resize(image, height, width);
        var tensor = new float[3 * Size * Size];
        Array.Fill(tensor, PadValue);
        for (int c = 0; c < 3; c++)
        {
            int plane = c * Size * Size;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    tensor[plane + y * Size + x] = resized.Pixels[(y * width + x) * 3 + c];
        }
        return new DetectorInput(tensor, ratio);
    }
}
