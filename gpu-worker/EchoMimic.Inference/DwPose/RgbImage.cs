namespace EchoMimic.Inference.DwPose;

/// <summary>
/// An interleaved 8-bit, 3-channel image (H x W x 3, row-major), the layout DWPose receives from cv2/decord.
/// The channel order is whatever the caller chose: the official code never converts it (EMTD feeds RGB).
/// </summary>
public sealed class RgbImage
{
    public int Height { get; }
    public int Width { get; }
    public byte[] Pixels { get; }

    public RgbImage(int height, int width, byte[] pixels)
    {
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"image size {height}x{width}");
        if (pixels.Length != height * width * 3) throw new ArgumentException($"expected {height * width * 3} bytes for {height}x{width}x3, got {pixels.Length}", nameof(pixels));
        Height = height;
        Width = width;
        Pixels = pixels;
    }

    public static RgbImage Filled(int height, int width, byte value)
    {
        var pixels = new byte[height * width * 3];
        Array.Fill(pixels, value);
        return new RgbImage(height, width, pixels);
    }

    public byte this[int y, int x, int c] => Pixels[(y * Width + x) * 3 + c];
}
