using EchoMimic.Core;
using SkiaSharp;

namespace EchoMimic.Inference.Pipeline;

/// <summary>
/// Decodes a user's picture (PNG, JPEG, WebP, ... as SkiaSharp reads them) for the render and for DWPose. Its size
/// is read from the header and checked before any pixel buffer is allocated for it; a truncated or damaged file is
/// an <see cref="InputException"/> naming it, never a picture with its missing rows filled in.
/// </summary>
public static class PortraitDecoder
{
    /// <summary>Smaller sides hold no face to animate; larger ones only cost memory (the render is at most 2048 a side).</summary>
    public const int MinimumSide = 16, MaximumSide = 16384;

    public const long MaximumPixels = 50_000_000;

    /// <summary>The decoded picture (the caller disposes it); <paramref name="minimumSide"/>: the render's floor by default.</summary>
    public static SKBitmap Decode(string path, int minimumSide = MinimumSide)
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
        if (w < minimumSide || h < minimumSide)
            throw new InputException(path, $"is {w}x{h} pixels; a portrait needs at least {minimumSide}x{minimumSide}");
        if (w > MaximumSide || h > MaximumSide || (long)w * h > MaximumPixels)
            throw new InputException(path, $"is {w}x{h} pixels; the largest portrait read is {MaximumSide} pixels a side and {MaximumPixels / 1_000_000} megapixels (scale it down)");
        // The pixel format SKBitmap.Decode(codec) picks (premultiplied, no colour space), decoded here so that a
        // truncated file is refused instead of returned with its missing rows filled in.
        var info = codec.Info;
        if (info.AlphaType == SKAlphaType.Unpremul) info.AlphaType = SKAlphaType.Premul;
        info.ColorSpace = null;
        var decoded = new SKBitmap(info);
        var result = codec.GetPixels(info, decoded.GetPixels());
        if (result == SKCodecResult.Success) return decoded;
        decoded.Dispose();
        throw new InputException(path, result == SKCodecResult.IncompleteInput
            ? "image data is truncated (the file ends before the picture does)"
            : $"image data is damaged and cannot be decoded ({result})");
    }
}
