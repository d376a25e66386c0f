using System.Diagnostics;
using System.Globalization;
using EchoMimic.Core;

namespace EchoMimic.Inference.DwPose;

/// <summary>Encodes RGB frames to an H.264 MP4 with ffmpeg (frames piped as rawvideo), optionally muxing an audio file.</summary>
public sealed class VideoEncoder : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly Stream _stdin;
    private readonly string _output;
    private bool _finished;

    public int Width { get; }
    public int Height { get; }

    public VideoEncoder(string output, int width, int height, double fps, string? audio = null)
    {
        if (width % 2 != 0 || height % 2 != 0) throw new ArgumentException($"yuv420p needs even sizes, got {width}x{height}");
        Width = width;
        Height = height;
        _output = output;
        var folder = Path.GetDirectoryName(Path.GetFullPath(output));
        if (folder is not null) Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo(Core.Media.MediaTools.Ffmpeg) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        var args = new List<string> { "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-r", fps.ToString(CultureInfo.InvariantCulture), "-i", "-" };
        if (audio is not null) args.AddRange(["-i", audio]);
        args.AddRange(["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]);
        if (audio is not null) args.AddRange(["-c:a", "aac", "-shortest"]);
        args.Add(output);
        foreach (var a in args) start.ArgumentList.Add(a);
        _process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg could not be started");
        _stderr = _process.StandardError.ReadToEndAsync();
        _stdin = _process.StandardInput.BaseStream;
    }

    public void Write(RgbImage frame)
    {
        if (frame.Width != Width || frame.Height != Height) throw new ArgumentException($"frame is {frame.Width}x{frame.Height}, encoder is {Width}x{Height}");
        try
        {
            _stdin.Write(frame.Pixels);
        }
        catch (IOException)
        {
            Finish();
            throw;
        }
    }

    /// <summary>Closes the stream and waits for ffmpeg; a failure names the output file.</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        try { _stdin.Dispose(); } catch (IOException) { }
        _process.WaitForExit();
        if (_process.ExitCode != 0) throw new InputException(_output, "ffmpeg could not write the video: " + _stderr.Result.Trim());
    }

    public void Dispose()
    {
        if (!_finished)
        {
            try { _stdin.Dispose(); } catch (IOException) { }
            if (!_process.WaitForExit(5000)) _process.Kill();
        }
        _process.Dispose();
    }
}
