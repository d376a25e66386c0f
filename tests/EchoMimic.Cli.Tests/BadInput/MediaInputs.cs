using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using EchoMimic.Inference.Samples;
using SkiaSharp;

namespace EchoMimic.Cli.Tests.BadInput;

/// <summary>Malformed portraits, speech clips and videos: made from valid files (Skia, ffmpeg) at test time, then broken.</summary>
internal static class MediaInputs
{
    public static IEnumerable<BadInput> Images(string folder)
    {
        var png = PortraitPainter.PaintPng(64);
        using var bitmap = SKBitmap.Decode(png);
        var formats = new (string Extension, byte[] Bytes)[]
        {
            (".png", png),
            (".jpg", bitmap.Encode(SKEncodedImageFormat.Jpeg, 90).ToArray()),
            (".webp", bitmap.Encode(SKEncodedImageFormat.Webp, 90).ToArray()),
        };
        var n = 0;
        BadInput Image(string name, string extension, byte[] bytes, string? accepted = null) => Write(folder, $"image-{n++:D3}{extension}", name, InputKind.Image, bytes, accepted);

        foreach (var (extension, bytes) in formats)
        {
            yield return Image($"valid {extension}", extension, bytes, "the control case: a 64x64 portrait");
            yield return Image($"0-byte {extension}", extension, []);
            foreach (var length in new[] { 1, 8, 16, 40 })
                yield return Image($"{extension} cut to its first {length} bytes", extension, bytes[..Math.Min(length, bytes.Length)]);
            foreach (var fraction in new[] { 0.25, 0.5, 0.9 })
                yield return Image($"{extension} truncated to {fraction:P0}", extension, bytes[..(int)(bytes.Length * fraction)]);
            yield return Image($"{extension} with its middle overwritten", extension, Corrupt(bytes));
            yield return Image($"text named {extension}", extension, Encoding.ASCII.GetBytes("this is not a picture"));
            yield return Image($"a gzip stream named {extension}", extension, Gzip(bytes));
        }

        yield return Image("1x1 PNG", ".png", OnePixelPng(), null);
        yield return Image("PNG header claiming 20000x20000", ".png", PngClaiming(20_000, 20_000));
        yield return Image("PNG header claiming 100000x1", ".png", PngClaiming(100_000, 1));
        yield return Image("PNG header claiming 2^31-1 x 2^31-1", ".png", PngClaiming(int.MaxValue, int.MaxValue));
        yield return Image("JPEG whose frame header claims 60000x60000", ".jpg", JpegClaiming(formats[1].Bytes, 60_000, 60_000));
        yield return Image("WAV named .png", ".png", Wav(16000, 16000, 1));
    }

    public static IEnumerable<BadInput> Audio(string folder, string scratch)
    {
        var wav = Ffmpeg(scratch, "speech.wav", "-f", "lavfi", "-i", "sine=frequency=300:duration=1", "-ar", "16000", "-ac", "1");
        var mp3 = Ffmpeg(scratch, "speech.mp3", "-f", "lavfi", "-i", "sine=frequency=300:duration=1", "-ar", "16000", "-ac", "1");
        var m4a = Ffmpeg(scratch, "speech.m4a", "-f", "lavfi", "-i", "sine=frequency=300:duration=1", "-ar", "16000", "-ac", "1", "-c:a", "aac");
        var n = 0;
        BadInput Clip(string name, string extension, byte[] bytes, string? accepted = null) => Write(folder, $"audio-{n++:D3}{extension}", name, InputKind.Audio, bytes, accepted);

        foreach (var (extension, bytes) in new[] { (".wav", wav), (".mp3", mp3), (".m4a", m4a) })
        {
            yield return Clip($"valid {extension}", extension, bytes, "the control case: one second of tone");
            yield return Clip($"0-byte {extension}", extension, []);
            yield return Clip($"{extension} cut to its first 12 bytes", extension, bytes[..12]);
            yield return Clip($"{extension} cut to its first 40 bytes", extension, bytes[..40]);
            yield return Clip($"{extension} with random bytes after its first 64", extension, [.. bytes[..64], .. Noise(bytes.Length - 64)]);
            yield return Clip($"text named {extension}", extension, Encoding.ASCII.GetBytes("this is not a sound"));
            yield return Clip($"PNG named {extension}", extension, PortraitPainter.PaintPng(32));
        }

        yield return Clip("WAV truncated to half", ".wav", wav[..(wav.Length / 2)],
            "a WAV cut short still holds half a second of speech; ffmpeg decodes what is there, as every player does");
        yield return Clip("MP3 truncated to half", ".mp3", mp3[..(mp3.Length / 2)],
            "an MP3 is a sequence of frames; the complete ones decode, as every player does");
        yield return Clip("WAV whose header claims 3 hours", ".wav", WavClaiming(wav, TimeSpan.FromHours(3)),
            "the header's length is a claim: the decoder reads the one second that is there and nothing is sized from the claim");
        yield return Clip("WAV header claiming 4 GiB of data, no samples", ".wav", Patch(Wav(16000, 0, 1), 40, uint.MaxValue));
        yield return Clip("WAV with 0 channels", ".wav", Wav(16000, 16000, 0));
        yield return Clip("WAV with sample rate 0", ".wav", Wav(0, 16000, 1));
        yield return Clip("silent WAV", ".wav", Wav(16000, 16000, 1));
        yield return Clip("audio-only MP4 video", ".m4a", Ffmpeg(scratch, "audio-only.mp4", "-f", "lavfi", "-i", "sine=frequency=300:duration=1", "-c:a", "aac"),
            "an MP4 without a video stream is an ordinary audio file");
    }

    public static IEnumerable<BadInput> Videos(string folder, string scratch)
    {
        var video = Ffmpeg(scratch, "clip.mp4", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=4:duration=1", "-pix_fmt", "yuv420p");
        var n = 0;
        BadInput Clip(string name, byte[] bytes, string? accepted = null) => Write(folder, $"video-{n++:D3}.mp4", name, InputKind.Video, bytes, accepted);
        yield return Clip("MP4 with no video stream (audio only)", Ffmpeg(scratch, "audio-only-video.mp4", "-f", "lavfi", "-i", "sine=frequency=300:duration=1", "-c:a", "aac"));
        yield return Clip("0-byte MP4", []);
        yield return Clip("text named .mp4", Encoding.ASCII.GetBytes("this is not a video"));
        yield return Clip("MP4 cut to its first 64 bytes", video[..64]);
        yield return Clip("PNG named .mp4", PortraitPainter.PaintPng(32), "ffmpeg reads a still picture as a one-frame video, whatever its name; a gesture of one frame is valid");
        yield return Clip("WAV named .mp4", Wav(16000, 16000, 1));
    }

    internal static byte[] Wav(int sampleRate, int samples, int channels)
    {
        var data = new byte[samples * 2 * Math.Max(channels, 1)];
        var bytes = new byte[44 + data.Length];
        Encoding.ASCII.GetBytes("RIFF").CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 36 + data.Length);
        Encoding.ASCII.GetBytes("WAVEfmt ").CopyTo(bytes, 8);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), sampleRate * 2 * channels);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(32), (short)(2 * channels));
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(34), 16);
        Encoding.ASCII.GetBytes("data").CopyTo(bytes, 36);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), data.Length);
        return bytes;
    }

    /// <summary>The RIFF and data sizes of a 16 kHz mono 16-bit WAV rewritten to claim <paramref name="length"/>.</summary>
    private static byte[] WavClaiming(byte[] wav, TimeSpan length)
    {
        var copy = wav.ToArray();
        var dataAt = IndexOf(copy, "data"u8.ToArray());
        var claimed = (uint)(length.TotalSeconds * 16000 * 2);
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(4), claimed + (uint)dataAt);
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(dataAt + 4), claimed);
        return copy;
    }

    private static byte[] Patch(byte[] bytes, int at, uint value)
    {
        var copy = bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), value);
        return copy;
    }

    private static byte[] OnePixelPng()
    {
        using var one = new SKBitmap(1, 1);
        one.SetPixel(0, 0, SKColors.Bisque);
        return one.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }

    /// <summary>A PNG signature, an IHDR chunk claiming the size, a one-row IDAT and IEND: a decoder that trusts IHDR allocates W x H x 4 bytes.</summary>
    private static byte[] PngClaiming(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 6; // RGBA
        Chunk(output, "IHDR", ihdr);
        using (var zlib = new MemoryStream())
        {
            using (var z = new ZLibStream(zlib, CompressionLevel.Fastest, leaveOpen: true)) z.Write(new byte[1 + 4 * 16]);
            Chunk(output, "IDAT", zlib.ToArray());
        }

        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(length, Crc32(typed));
        output.Write(length);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }

        return ~crc;
    }

    /// <summary>The JPEG's SOF0 frame header rewritten to claim another size (height, width: big-endian after the precision byte).</summary>
    private static byte[] JpegClaiming(byte[] jpeg, int width, int height)
    {
        var copy = jpeg.ToArray();
        for (var i = 2; i + 9 < copy.Length; i++)
        {
            if (copy[i] == 0xFF && copy[i + 1] is 0xC0 or 0xC1 or 0xC2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 7), (ushort)width);
                return copy;
            }
        }

        throw new InvalidOperationException("the encoded JPEG has no frame header");
    }

    private static byte[] Corrupt(byte[] bytes)
    {
        var copy = bytes.ToArray();
        var noise = Noise(copy.Length / 3);
        noise.CopyTo(copy, copy.Length / 3);
        return copy;
    }

    internal static byte[] Noise(int length)
    {
        var random = new Random(length);
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("chunk not found");
    }

    internal static BadInput Write(string folder, string file, string name, InputKind kind, byte[] bytes, string? accepted)
    {
        var path = Path.Combine(folder, file);
        File.WriteAllBytes(path, bytes);
        return new BadInput(name, kind, path, accepted);
    }

    private static byte[] Ffmpeg(string scratch, string file, params string[] arguments)
    {
        var path = Path.Combine(scratch, file);
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y" }.Concat(arguments).Append(path)) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not make {file}: {errors}");
        return File.ReadAllBytes(path);
    }
}
