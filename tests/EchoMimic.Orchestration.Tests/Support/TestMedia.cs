using System.Diagnostics;
using System.Globalization;

namespace EchoMimic.Orchestration.Tests.Support;

/// <summary>Media made for the tests with ffmpeg: speech-like audio, and probing of outputs.</summary>
internal static class TestMedia
{
    public static async Task<byte[]> ToneWavAsync(double seconds)
    {
        var file = Path.Combine(Path.GetTempPath(), $"tone-{Guid.NewGuid():N}.wav");
        try
        {
            await RunAsync("ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                $"sine=frequency=220:sample_rate=16000:duration={seconds.ToString(CultureInfo.InvariantCulture)}", "-ac", "1", "-y", file);
            return await File.ReadAllBytesAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static async Task<double> DurationAsync(string file) =>
        double.Parse((await RunAsync("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file)).Trim(),
            CultureInfo.InvariantCulture);

    public static async Task<string> StreamsAsync(string file) =>
        (await RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,nb_frames,width,height", "-of", "csv=p=0", file)).Trim();

    /// <summary>One MD5 per decoded video frame: two videos with equal lists show identical pictures.</summary>
    public static async Task<IReadOnlyList<string>> FrameHashesAsync(string file) =>
        (await RunAsync("ffmpeg", "-v", "error", "-i", file, "-map", "0:v:0", "-f", "framemd5", "-"))
            .Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).Select(line => line.Split(',')[^1].Trim()).ToList();

    /// <summary>Every video frame decoded to packed RGB24 (width × height × 3 bytes).</summary>
    public static async Task<IReadOnlyList<byte[]>> RgbFramesAsync(string file, int width, int height)
    {
        var raw = Path.Combine(Path.GetTempPath(), $"frames-{Guid.NewGuid():N}.rgb");
        try
        {
            await RunAsync("ffmpeg", "-v", "error", "-i", file, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-y", raw);
            return (await File.ReadAllBytesAsync(raw)).Chunk(width * height * 3).ToList();
        }
        finally
        {
            File.Delete(raw);
        }
    }

    public static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed: {await error}");
        }

        return await output;
    }
}
