using System.Diagnostics;
using EchoMimic.Core;
using EchoMimic.Inference.DwPose;

namespace EchoMimic.Inference.Tests.DwPose;

/// <summary>Bad videos, generated with ffmpeg's lavfi sources at test time.</summary>
public sealed class VideoInputTests
{
    private static string MakeVideo(string lavfi, string name, params string[] codec)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("dwpose-video-").FullName, name);
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-y", "-f", "lavfi", "-i", lavfi }.Concat(codec).Append(path)) start.ArgumentList.Add(a);
        Process? process;
        try { process = Process.Start(start); }
        catch (System.ComponentModel.Win32Exception) { process = null; }
        if (process is null) { Assert.Skip("ffmpeg is not installed"); return ""; }
        using (process)
        {
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
        }
        return path;
    }

    [Fact]
    public void Unreadable_video_is_an_input_error()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("dwpose-video-").FullName, "clip.mp4");
        File.WriteAllText(path, "this is not a video");
        var e = Assert.Throws<InputException>(() => VideoFrameSource.Open(path, 24));
        Assert.Equal(path, e.Input);
        Assert.Contains("not a readable video", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_video_is_an_input_error()
    {
        var e = Assert.Throws<InputException>(() => VideoFrameSource.Open("/nonexistent/clip.mp4", 24));
        Assert.Equal("/nonexistent/clip.mp4", e.Input);
    }

    [Fact]
    public void Video_decodes_at_the_requested_rate()
    {
        var path = MakeVideo("testsrc=size=96x64:rate=30:duration=1", "test.nut", "-c:v", "ffv1");
        var source = VideoFrameSource.Open(path, 10);
        Assert.Equal(96, source.Width);
        Assert.Equal(64, source.Height);
        Assert.Equal(10, source.Frames(TestContext.Current.CancellationToken).Count());
    }

    [Fact]
    public void Video_without_a_person_is_an_input_error()
    {
        // Flat grey 114: the tiny detector finds nobody on it (fixture dwpose_wholebody_04); lossless so it stays 114.
        var path = MakeVideo("color=c=0x727272:size=320x240:rate=5:duration=1", "grey.nut", "-c:v", "ffv1", "-pix_fmt", "bgr0");
        var models = DwPoseInputErrorTests.TinyModels();
        using var estimator = DwPoseEstimator.Open(DwPoseModelFiles.InFolder(models));
        var e = Assert.Throws<InputException>(() => GestureExtractor.Extract(VideoFrameSource.Open(path, 5), estimator, cancellation: TestContext.Current.CancellationToken));
        Assert.Equal(path, e.Input);
        Assert.Contains("no person detected in any of the 5 frames", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Sequence_extracted_from_a_video_round_trips_through_npy_and_draws_identically()
    {
        // lavfi testsrc: the tiny random detector finds "people" on it (arbitrary, but a real extraction path).
        var path = MakeVideo("testsrc=size=320x240:rate=10:duration=0.5", "test.nut", "-c:v", "ffv1");
        var models = DwPoseInputErrorTests.TinyModels();
        using var estimator = DwPoseEstimator.Open(DwPoseModelFiles.InFolder(models));
        var (sequence, report) = GestureExtractor.Extract(VideoFrameSource.Open(path, 10), estimator, cancellation: TestContext.Current.CancellationToken);
        Assert.Equal(5, report.Frames);
        var folder = Directory.CreateTempSubdirectory("dwpose-extract-").FullName;
        Pose.NpyPoseWriter.WriteFolder(folder, sequence.ToPoseFrames());
        var read = Pose.NpyPoseReader.ReadFolder(folder);
        Assert.Equal(5, read.Count);
        for (int i = 0; i < read.Count; i++)
            Assert.Equal(Pose.PoseMapRenderer.RenderFrame(sequence.ToPoseFrame(i), 768, 768, out _), Pose.PoseMapRenderer.RenderFrame(read[i], 768, 768, out _));
    }

    [Fact]
    public void Encoder_writes_a_video_ffprobe_reads_back()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("dwpose-enc-").FullName, "out.mp4");
        using (var encoder = new VideoEncoder(path, 64, 48, 12))
        {
            for (int i = 0; i < 6; i++) encoder.Write(RgbImage.Filled(48, 64, (byte)(i * 40)));
            encoder.Finish();
        }
        var source = VideoFrameSource.Open(path, 12);
        Assert.Equal((64, 48), (source.Width, source.Height));
        Assert.Equal(6, source.Frames(TestContext.Current.CancellationToken).Count());
    }
}
