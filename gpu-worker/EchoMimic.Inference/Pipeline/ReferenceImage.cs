using EchoMimic.Core;
using SkiaSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Pipeline;

/// <summary>
/// The reference portrait: any image SkiaSharp decodes (PNG, JPEG, WebP, ...), converted to RGB and resized to the
/// render size as infer.py does (<c>Image.open(path).resize((W, H))</c>, aspect not kept). Pillow's bicubic filter is
/// approximated by Skia's Catmull-Rom cubic (a = -0.5, Pillow's kernel) with mipmaps for reductions; report.json
/// records this deviation.
/// </summary>
public static class ReferenceImage
{
    public const string ResizeNote = "reference image resized to W x H with Skia's Catmull-Rom cubic (Pillow's bicubic kernel), not bit-identical to Pillow";

    /// <summary>Reads and resizes the image; returns (H, W, 3) uint8 RGB and the original size.</summary>
    public static (Tensor Image, int OriginalWidth, int OriginalHeight) Load(string path, int width, int height)
    {
        using var decoded = PortraitDecoder.Decode(path);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var image = SKImage.FromBitmap(decoded);
        var sampling = new SKSamplingOptions(SKCubicResampler.CatmullRom);
        // Alpha is dropped, not composited (VaeImageProcessor's convert("RGB")): draw onto black, then read RGB.
        surface.Canvas.Clear(SKColors.Black);
        using (var paint = new SKPaint { BlendMode = SKBlendMode.Src })
            surface.Canvas.DrawImage(image, new SKRect(0, 0, width, height), sampling, paint);
        using var pixels = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!surface.ReadPixels(pixels.Info, pixels.GetPixels(), pixels.RowBytes, 0, 0)) throw new InvalidOperationException("could not read back the resized image");
        var rgba = pixels.Bytes;
        var rgb = new byte[width * height * 3];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }
        return (tensor(rgb, [height, width, 3], ScalarType.Byte), decoded.Width, decoded.Height);
    }
}
