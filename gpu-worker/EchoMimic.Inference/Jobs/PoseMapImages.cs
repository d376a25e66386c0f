using SkiaSharp;

namespace EchoMimic.Inference.Jobs;

/// <summary>
/// Pose maps as PNG files: lossless, so a segment decodes exactly the bytes <c>PoseMapRenderer</c> drew, and small
/// (the maps are mostly black), so a job stores one per frame and a segment downloads only its own frames.
/// </summary>
public static class PoseMapImages
{
    /// <summary>(H, W, 3) RGB bytes -> PNG.</summary>
    public static byte[] EncodePng(byte[] rgb, int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[width * height * 4];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgba[j] = rgb[i];
            rgba[j + 1] = rgb[i + 1];
            rgba[j + 2] = rgb[i + 2];
            rgba[j + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>PNG -> (H, W, 3) RGB bytes; the image must be <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static byte[] DecodePng(byte[] png, int width, int height)
    {
        using var decoded = SKBitmap.Decode(png) ?? throw new InvalidDataException("pose map is not a readable PNG");
        using var bitmap = decoded.ColorType == SKColorType.Rgba8888 ? decoded.Copy() : decoded.Copy(SKColorType.Rgba8888);
        if (bitmap.Width != width || bitmap.Height != height)
        {
            throw new InvalidDataException($"pose map is {bitmap.Width}x{bitmap.Height}, expected {width}x{height}");
        }

        var rgba = bitmap.Bytes;
        var rgb = new byte[width * height * 3];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }

        return rgb;
    }
}
