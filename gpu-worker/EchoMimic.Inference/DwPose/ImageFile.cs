using EchoMimic.Core;
using SkiaSharp;

namespace EchoMimic.Inference.DwPose;

/// <summary>PNG/JPEG/WebP files to and from <see cref="RgbImage"/> (RGB order, alpha dropped as infer.py's convert("RGB")).</summary>
public static class ImageFile
{
    public static RgbImage Load(string path)
    {
        // Any size DWPose can look at (it finds no person in a tiny one); the upper limits still hold.
        using var bitmap = Pipeline.PortraitDecoder.Decode(path, minimumSide: 1);
        using var rgba = bitmap.Copy(SKColorType.Rgba8888) ?? throw new InputException(path, "image pixel format cannot be converted to RGB");
        var source = rgba.GetPixelSpan();
        var pixels = new byte[rgba.Width * rgba.Height * 3];
        for (int i = 0, n = rgba.Width * rgba.Height; i < n; i++)
        {
            pixels[i * 3] = source[i * 4];
            pixels[i * 3 + 1] = source[i * 4 + 1];
            pixels[i * 3 + 2] = source[i * 4 + 2];
        }
        return new RgbImage(rgba.Height, rgba.Width, pixels);
    }

    /// <summary>Writes PNG (or JPEG for .jpg/.jpeg).</summary>
    public static void Save(RgbImage image, string path)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var target = bitmap.GetPixelSpan();
        for (int i = 0, n = image.Width * image.Height; i < n; i++)
        {
            target[i * 4] = image.Pixels[i * 3];
            target[i * 4 + 1] = image.Pixels[i * 3 + 1];
            target[i * 4 + 2] = image.Pixels[i * 3 + 2];
            target[i * 4 + 3] = 255;
        }
        var ext = Path.GetExtension(path).ToLowerInvariant();
        var format = ext is ".jpg" or ".jpeg" ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png;
        using var data = bitmap.Encode(format, 95);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        using var stream = File.Create(path);
        data.SaveTo(stream);
    }
}
