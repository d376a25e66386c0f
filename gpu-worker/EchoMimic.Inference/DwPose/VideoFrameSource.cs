using System.Diagnostics;
using System.Globalization;
using EchoMimic.Core;

namespace EchoMimic.Inference.DwPose;

/// <summary>
/// Decodes any video ffmpeg reads into RGB frames at a fixed frame rate (<c>-vf fps=N</c>, raw rgb24 on stdout), so
/// extraction sees the same timeline the render will use. Unreadable input is the user's error.
/// </summary>
public sealed class VideoFrameSource
{
    public string Path { get; }
    public int Width { get; }
    public int Height { get; }
    public double Fps { get; }

    /// <summary>Estimated frame count at <see cref="Fps"/> (from the container duration; 0 when unknown).</summary>
    public int EstimatedFrames { get; }

    private VideoFrameSource(string path, int width, int height, double fps, int estimatedFrames)
    {
        Path = path;
        Width = width;
        Height = height;
        Fps = fps;
        EstimatedFrames = estimatedFrames;
    }

    public static VideoFrameSource Open(string path, double fps)
    {
        if (!File.Exists(path)) throw new InputException(path, "video file does not exist");
        if (fps is <= 0 or > 240) throw new InputException("--fps", "must be between 0 and 240");
        Core.Media.MediaTools.RequireFfmpeg();
        var (code, output, error) = Run(Core.Media.MediaTools.Ffprobe, ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height:format=duration", "-of", "default=noprint_wrappers=1", path]);
        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        if (code != 0 || !values.TryGetValue("width", out var w) || !values.TryGetValue("height", out var h)
            || !int.TryParse(w, CultureInfo.InvariantCulture, out var width) || !int.TryParse(h, CultureInfo.InvariantCulture, out var height))
            throw new InputException(path, "not a readable video (ffprobe found no video stream" + (string.IsNullOrWhiteSpace(error) ? ")" : $": {FirstLine(error)})"));
        double duration = values.TryGetValue("duration", out var d) && double.TryParse(d, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        return new VideoFrameSource(path, width, height, fps, (int)Math.Round(duration * fps));
    }

    /// <summary>Frames in order; decoding runs in ffmpeg's own process, so it overlaps with whatever consumes them.</summary>
    public IEnumerable<RgbImage> Frames(CancellationToken cancellation = default)
    {
        var start = new ProcessStartInfo(Core.Media.MediaTools.Ffmpeg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-nostdin", "-i", Path, "-vf", string.Create(CultureInfo.InvariantCulture, $"fps={Fps}"), "-f", "rawvideo", "-pix_fmt", "rgb24", "-" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg could not be started");
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        var stream = process.StandardOutput.BaseStream;
        int frameBytes = Width * Height * 3;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var buffer = new byte[frameBytes];
            int read = 0;
            while (read < frameBytes)
            {
                int n = stream.Read(buffer, read, frameBytes - read);
                if (n == 0) break;
                read += n;
            }
            if (read < frameBytes) break;
            yield return new RgbImage(Height, Width, buffer);
        }
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InputException(Path, "ffmpeg could not decode the video: " + FirstLine(stderr.Result));
    }

    internal static (int Code, string Output, string Error) Run(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} could not be started");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "unknown error";
}
