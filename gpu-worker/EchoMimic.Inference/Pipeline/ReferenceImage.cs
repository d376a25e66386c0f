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
    /// <summary>Smaller sides hold no face to animate; larger ones only cost memory (the render is at most 2048 a side).</summary>
    public const int MinimumSide = 16, MaximumSide = 16384;

    public const long MaximumPixels = 50_000_000;

    public const string ResizeNote = "reference image resized to W x H with Skia's Catmull-Rom cubic (Pillow's bicubic kernel), not bit-identical to Pillow";

    /// <summary>Reads and resizes the image; returns (H, W, 3) uint8 RGB and the original size.</summary>
    public static (Tensor Image, int OriginalWidth, int OriginalHeight) Load(string path, int width, int height)
    {
        if (Directory.Exists(path)) throw new InputException(path, "is a folder, not an image file");
        if (!File.Exists(path)) throw new InputException(path, "image file does not exist");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InputException(path, $"cannot read image ({e.Message})"); }
        if (bytes.Length == 0) throw new InputException(path, "image file is empty (zero bytes)");
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new InputException(path, "is not a readable image (PNG, JPEG or WebP expected)");
        // The header's size is a claim: checked before any pixel buffer is allocated for it.
        var (w, h) = (codec.Info.Width, codec.Info.Height);
        if (w < MinimumSide || h < MinimumSide)
            throw new InputException(path, $"is {w}x{h} pixels; a portrait needs at least {MinimumSide}x{MinimumSide}");
        if (w > MaximumSide || h > MaximumSide || (long)w * h > MaximumPixels)
            throw new InputException(path, $"is {w}x{h} pixels; the largest portrait read is {MaximumSide} pixels a side and {MaximumPixels / 1_000_000} megapixels (scale it down)");
        // The pixel format SKBitmap.Decode(codec) picks (premultiplied, no colour space), decoded here so that a
        // truncated file is refused instead of returned with its missing rows filled in.
        var info = codec.Info;
        if (info.AlphaType == SKAlphaType.Unpremul) info.AlphaType = SKAlphaType.Premul;
        info.ColorSpace = null;
        using var decoded = new SKBitmap(info);
        var result = codec.GetPixels(info, decoded.GetPixels());
        if (result != SKCodecResult.Success)
            throw new InputException(path, result == SKCodecResult.IncompleteInput
                ? "image data is truncated (the file ends before the picture does)"
                : $"image data is damaged and cannot be decoded ({result})");
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
