using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EchoMimic.Cli.Commands;
using EchoMimic.Inference.Pose;
using EchoMimic.Inference.Samples;

namespace EchoMimic.Cli.Tests;

/// <summary>
/// Issue 10's laptop host: <c>echomimic render --workers 2</c> runs RenderJobOrchestrator on the in-memory Durable
/// Task host with two in-process engine workers (demo weights, 64x64, 2 accelerated steps to stay fast) on ~19 s of
/// espeak-ng speech, and produces one MP4 as long as the audio with the segments and the seam metric in report.json.
/// </summary>
public sealed class RenderWorkersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("render-workers").FullName;

    [Fact]
    public void Render_with_two_workers_stitches_segments_into_one_video_as_long_as_the_audio()
    {
        var image = Path.Combine(_dir, "portrait.png");
        File.WriteAllBytes(image, PortraitPainter.PaintPng(64));
        var pose = Path.Combine(_dir, "pose");
        NpyPoseWriter.WriteFolder(pose, GestureLibrary.Breathing(2.0));
        var audio = Path.Combine(_dir, "speech.m4a");
        SpeechSynthesizer.Synthesize(
            "This is a test of the render command with two workers. The job is planned into overlapping segments, " +
            "the workers render them in parallel with the engine, and the stitcher blends the overlaps, muxes this speech " +
            "and writes one video. Its report says how visible the seams are.", audio);
        var audioSeconds = Probe(audio, "-show_entries", "format=duration");
        Assert.InRange(double.Parse(audioSeconds, CultureInfo.InvariantCulture), 15, 25);
        var output = Path.Combine(_dir, "out", "video.mp4");

        var code = RenderCommand.Run(new RenderCommand.RenderOptions(image, audio, pose, output, null, true, 2, null, 5, 64, 64, null, null)
        {
            Workers = 2,
        });

        Assert.Equal(0, code);
        Assert.Equal("h264,video,64,64", Probe(output, "-select_streams", "v:0", "-show_entries", "stream=codec_name,codec_type,width,height"));
        Assert.Equal("aac,audio", Probe(output, "-select_streams", "a:0", "-show_entries", "stream=codec_name,codec_type"));
        var videoSeconds = double.Parse(Probe(output, "-select_streams", "v:0", "-show_entries", "stream=duration"), CultureInfo.InvariantCulture);
        Assert.InRange(videoSeconds, double.Parse(audioSeconds, CultureInfo.InvariantCulture) - 1.0 / 24 - 0.01,
            double.Parse(audioSeconds, CultureInfo.InvariantCulture) + 1.0 / 24 + 0.01);

        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "out", "report.json")))!;
        var segmentCount = report["orchestration"]!["segment_count"]!.GetValue<int>();
        Assert.True(segmentCount >= 2, $"{segmentCount} segments");
        Assert.Equal(2, report["orchestration"]!["workers"]!.GetValue<int>());
        Assert.Equal(segmentCount, report["segments"]!.AsArray().Count);
        Assert.Equal(segmentCount - 1, report["seams"]!["frames"]!.AsArray().Count);
        Assert.True(report["seams"]!["ratio"]!.GetValue<double>() > 0);
        // Workers upload overlap latents, so every seam is blended in latent space and decoded with the VAE.
        Assert.Equal("latent", report["blend"]!.GetValue<string>());
        Assert.True(report["demo_weights"]!.GetValue<bool>());
        Assert.Equal(64, report["audio"]!["sha256"]!.GetValue<string>().Length);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dir, "out"), ".*partial*"));
    }

    private static string Probe(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error" }.Concat(arguments).Concat(["-of", "csv=p=0", file])) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return text.Trim();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
