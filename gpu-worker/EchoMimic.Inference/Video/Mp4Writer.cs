using System.Diagnostics;
using EchoMimic.Inference.Audio;

namespace EchoMimic.Inference.Video;

/// <summary>
/// Writes an H.264 + AAC MP4 (faststart) with ffmpeg: RGB frames streamed to its stdin, the audio file muxed in
/// whole. Frames are converted like the official <c>save_videos_grid</c>: <c>(x * 255).astype(uint8)</c> (truncation).
/// </summary>
public sealed class Mp4Writer : IDisposable
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Task<string> _stderr;
    private readonly int _frameBytes;

    public string Path { get; }

    public Mp4Writer(string path, int width, int height, double fps, string audioPath)
    {
        Path = path;
        _frameBytes = width * height * 3;
        var info = new ProcessStartInfo(Core.Media.MediaTools.Ffmpeg)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-r", fps.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "pipe:0",
            "-i", audioPath,
            "-map", "0:v:0", "-map", "1:a:0",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "medium", "-crf", "18",
            "-c:a", "aac", "-b:a", "128k",
            "-movflags", "+faststart", "-f", "mp4", path,
        ];
        foreach (var a in arguments) info.ArgumentList.Add(a);
        _process = Process.Start(info) ?? throw new InvalidOperationException("cannot start ffmpeg");
        _stdin = _process.StandardInput.BaseStream;
        _stderr = _process.StandardError.ReadToEndAsync();
        _ = _process.StandardOutput.ReadToEndAsync();
    }

    /// <summary>One frame, (3, H, W) floats in [0, 1] laid out channel-first.</summary>
    public void WriteFrame(ReadOnlySpan<float> chw)
    {
        if (chw.Length != _frameBytes) throw new ArgumentException($"frame has {chw.Length} values, expected {_frameBytes}");
        int plane = _frameBytes / 3;
        var rgb = new byte[_frameBytes];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++)
                rgb[p * 3 + c] = (byte)(int)(chw[c * plane + p] * 255f);
        _stdin.Write(rgb);
    }

    /// <summary>Closes the video stream and waits for ffmpeg; throws with ffmpeg's message when it failed.</summary>
    public void Finish()
    {
        _stdin.Close();
        _process.WaitForExit();
        if (_process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed ({_process.ExitCode}): {_stderr.Result.Trim()}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(); } catch (InvalidOperationException) { }
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
