using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EchoMimic.Cli.Commands;
using EchoMimic.Inference.Pose;
using EchoMimic.Inference.Samples;

namespace EchoMimic.Cli.Tests.Gestures;

/// <summary>
/// <c>echomimic render --image P --audio A</c> with no pose composes the gesture from the speech: the video is as
/// long as the audio, and report.json records the composition (demo weights, 64x64, 1 accelerated step).
/// </summary>
public sealed class RenderComposeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("render-compose").FullName;

    [Fact]
    public void Render_with_only_image_and_audio_composes_a_gesture_as_long_as_the_audio()
    {
        var image = Path.Combine(_dir, "portrait.png");
        File.WriteAllBytes(image, PortraitPainter.PaintPng(64));
        var audio = Path.Combine(_dir, "speech.m4a");
        SpeechSynthesizer.Synthesize("We should talk about the plan today. It is ready, and it works.", audio);
        double audioSeconds = double.Parse(Probe(audio, "-show_entries", "format=duration"), CultureInfo.InvariantCulture);
        var output = Path.Combine(_dir, "out", "video.mp4");

        var code = RenderCommand.Run(new RenderCommand.RenderOptions(image, audio, null, output, null, true, 1, null, 5, 64, 64, null, null));

        Assert.Equal(0, code);
        var videoSeconds = double.Parse(Probe(output, "-select_streams", "v:0", "-show_entries", "stream=duration"), CultureInfo.InvariantCulture);
        Assert.InRange(videoSeconds, audioSeconds - 1.0 / 24 - 0.01, audioSeconds + 1.0 / 24 + 0.01);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "out", "report.json")))!;
        var composition = report["composition"]!;
        Assert.Equal("compose", composition["source"]!.GetValue<string>());
        Assert.Equal(5, composition["seed"]!.GetValue<int>());
        var gestures = composition["gestures"]!.AsArray();
        Assert.NotEmpty(gestures);
        Assert.All(gestures, g => Assert.Contains(g!["unit"]!.GetValue<string>(), composition["units"]!.AsArray().Select(u => u!.GetValue<string>())));
    }

    [Fact]
    public void Pose_compose_writes_official_frames_covering_the_audio_and_a_composition_report()
    {
        var audio = Path.Combine(_dir, "speech.m4a");
        SpeechSynthesizer.Synthesize("The plan is ready.", audio);
        double audioSeconds = double.Parse(Probe(audio, "-show_entries", "format=duration"), CultureInfo.InvariantCulture);
        var folder = Path.Combine(_dir, "composed");

        var code = Program.Main(["pose", "compose", audio, "--out", folder, "--seed", "9"]);

        Assert.Equal(0, code);
        var frames = NpyPoseReader.ReadFolder(folder);
        Assert.InRange(frames.Count, (int)(audioSeconds * 24) - 1, (int)Math.Ceiling(audioSeconds * 24) + 1);
        Assert.All(frames, f => Assert.Equal(GestureLibrary.OfficialDrawParams, f.DrawPoseParams));
        var report = JsonNode.Parse(File.ReadAllText(folder + ".composition.json"))!;
        Assert.Equal(9, report["seed"]!.GetValue<int>());
        Assert.Equal(frames.Count, report["frames"]!.GetValue<int>());
    }

    [Fact]
    public void Gesture_units_folder_without_phases_is_an_input_error_naming_the_file()
    {
        var units = Path.Combine(_dir, "units", "wave");
        NpyPoseWriter.WriteFolder(units, GestureLibrary.HandRaise(1.0));
        var audio = Path.Combine(_dir, "speech.m4a");
        SpeechSynthesizer.Synthesize("Hello.", audio);

        var code = Program.Main(["pose", "compose", audio, "--out", Path.Combine(_dir, "x"), "--gesture-units", Path.Combine(_dir, "units")]);

        Assert.Equal(2, code);
        Assert.False(Directory.Exists(Path.Combine(_dir, "x")));
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
