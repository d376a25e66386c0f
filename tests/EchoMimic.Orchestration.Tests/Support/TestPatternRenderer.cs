using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;

namespace EchoMimic.Orchestration.Tests.Support;

/// <summary>
/// TEST-ONLY stand-in for the engine's segment renderer: draws a moving gradient that is a pure function of the
/// global frame index (as the real renderer's per-frame noise is), so overlapping frames of two segments are
/// identical. A script decides per (segment, attempt) whether to render, fail or hang, to exercise the control plane.
/// </summary>
internal sealed class TestPatternRenderer : ISegmentRenderer
{
    public enum Behaviour
    {
        Render,
        Fail,
        Hang,
    }

    public Func<SegmentTask, Behaviour> Script { get; set; } = _ => Behaviour.Render;

    public ConcurrentBag<(string JobId, int Segment, int Attempt)> Rendered { get; } = [];

    /// <summary>Added to the blue channel per segment index: makes neighbours disagree, as unrelated noise would.</summary>
    public int SegmentTint { get; set; }

    public async Task<RenderedSegment> RenderAsync(SegmentRenderRequest request, CancellationToken cancellationToken)
    {
        var task = request.Task;
        switch (Script(task))
        {
            case Behaviour.Fail:
                throw new InvalidOperationException($"scripted failure of segment {task.Segment.Index} attempt {task.Attempt}");
            case Behaviour.Hang:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                break;
        }

        var width = task.Settings.Width;
        var height = task.Settings.Height;
        var clip = Path.Combine(request.ScratchDirectory, "clip.mp4");
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}",
            "-r", task.Settings.Fps.ToString(CultureInfo.InvariantCulture), "-i", "-", "-c:v", "libx264", "-qp", "0",
            "-pix_fmt", "yuv444p", "-y", clip })
        {
            info.ArgumentList.Add(argument);
        }

        using var ffmpeg = Process.Start(info)!;
        var errors = ffmpeg.StandardError.ReadToEndAsync(cancellationToken);
        var frame = new byte[width * height * 3];
        for (var f = task.Segment.RenderStart; f < task.Segment.RenderEnd; f++)
        {
            Draw(frame, width, height, f, (byte)(128 + SegmentTint * task.Segment.Index));
            await ffmpeg.StandardInput.BaseStream.WriteAsync(frame, cancellationToken);
        }

        ffmpeg.StandardInput.Close();
        await ffmpeg.WaitForExitAsync(cancellationToken);
        if (ffmpeg.ExitCode != 0)
        {
            throw new InvalidOperationException(await errors);
        }

        Rendered.Add((task.JobId, task.Segment.Index, task.Attempt));
        return new RenderedSegment(clip, task.Segment.RenderedFrames);
    }

    private static void Draw(byte[] frame, int width, int height, int globalFrame, byte blue)
    {
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 3;
                frame[i] = (byte)(x * 2 + globalFrame * 3);
                frame[i + 1] = (byte)(y * 2 + globalFrame);
                frame[i + 2] = blue;
            }
        }
    }
}
