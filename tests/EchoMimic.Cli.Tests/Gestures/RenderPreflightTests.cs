using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EchoMimic.Cli.Commands;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Samples;

namespace EchoMimic.Cli.Tests.Gestures;

/// <summary>
/// <c>echomimic render</c> with its preflight (issue 6 items 3 and 4), end to end on tiny renders (demo weights,
/// 64x64, 1 accelerated step, 1 s of tone): the framing warning does not stop the render, <c>--auto-fit</c> renders the
/// fitted portrait, no models gives one notice and a normal render, <c>--auto-fit</c> without models exits 2 and writes
/// nothing. The tiny random-weight DWPose models run the real ONNX path (arbitrary keypoints, so only the wiring is
/// asserted there); exact numbers come from hand-placed keypoints.
/// </summary>
public sealed class RenderPreflightTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("render-preflight").FullName;
    private readonly string _audio, _gesture, _output;

    public RenderPreflightTests()
    {
        _audio = Path.Combine(_dir, "tone.wav");
        Ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-ar", "16000", _audio);
        _gesture = SyntheticPortrait.WriteGesture(Path.Combine(_dir, "gesture"));
        _output = Path.Combine(_dir, "out", "video.mp4");
    }

    private RenderCommand.RenderOptions Options(string image) =>
        new(image, _audio, _gesture, _output, null, true, 1, null, 5, 64, 64, null, null);

    private static (int Code, string[] Errors) Run(RenderCommand.RenderOptions options)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try { code = RenderCommand.Run(options); }
        finally { Console.SetError(previous); }
        return (code, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private JsonNode Report() => JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "out", "report.json")))!;

    [Fact]
    public void Tiny_dwpose_models_warn_with_the_numbers_and_the_render_continues()
    {
        var image = Path.Combine(_dir, "portrait.png");
        File.WriteAllBytes(image, PortraitPainter.PaintPng(384));
        var models = SyntheticPortrait.TinyModels(Path.Combine(_dir, "models"));

        var (code, errors) = Run(Options(image) with { Models = models, NoRetarget = true });

        Assert.Equal(0, code);
        Assert.True(File.Exists(_output));
        Assert.Contains(errors, e => e.StartsWith("preflight: DWPose (" + models + ") on ", StringComparison.Ordinal));
        var portrait = Report()["preflight"]!["portrait"]!;
        Assert.True(portrait["checked"]!.GetValue<bool>());
        Assert.False(portrait["fitted"]!.GetValue<bool>());
        Assert.Equal(Path.GetFullPath(image), Report()["image"]!["path"]!.GetValue<string>());
        Assert.Contains(errors, e => e.StartsWith("warning:", StringComparison.Ordinal));
        // The random-weight models pose arbitrary keypoints (on this painting they "find" several people, deterministically):
        // whatever they saw, each note (several people -> the largest) and every measure the report marks off is
        // printed, the measures with their expected and observed numbers.
        Assert.True(portrait["person_found"]!.GetValue<bool>());
        foreach (var note in portrait["notes"]!.AsArray()) Assert.Contains("note: " + note!.GetValue<string>(), errors);
        var off = portrait["measures"]!.AsArray().Where(m => !m!["ok"]!.GetValue<bool>()).ToList();
        Assert.NotEmpty(off);
        foreach (var m in off)
        {
            var observed = m!["observed"] is { } o ? o.GetValue<double>().ToString("F3", CultureInfo.InvariantCulture) : "n/a";
            var expected = m["expected"]!.GetValue<double>().ToString("F3", CultureInfo.InvariantCulture);
            Assert.Contains(errors, e => e.Contains(m["name"]!.GetValue<string>(), StringComparison.Ordinal)
                && e.Contains($"expected {expected}", StringComparison.Ordinal) && e.Contains($"observed {observed}", StringComparison.Ordinal));
        }

        Assert.False(Report()["preflight"]!["gesture"]!["retargeted"]!.GetValue<bool>());
    }

    [Fact]
    public void Auto_fit_renders_the_fitted_portrait_and_retargets_a_user_gesture_by_default()
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "portrait.png"), 160, 100);
        var models = SyntheticPortrait.FakeModels(Path.Combine(_dir, "models"));

        var (code, errors) = Run(Options(image) with { Models = models, AutoFit = true, OpenPoser = _ => new SyntheticPoser(SyntheticPortrait.OffFrame()) });

        Assert.Equal(0, code);
        Assert.Contains(errors, e => e.StartsWith("auto-fit: portrait scaled by", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("retarget: gesture scaled by", StringComparison.Ordinal));
        var report = Report();
        var rendered = report["image"]!["path"]!.GetValue<string>();
        Assert.Equal(Path.Combine(_dir, "out", "video.fitted.png"), rendered);
        // The job's reference input is the fitted portrait: the sha256 the render recorded is that file's, not the original's.
        Assert.Equal(Sha256(rendered), report["image"]!["sha256"]!.GetValue<string>());
        Assert.NotEqual(Sha256(image), report["image"]!["sha256"]!.GetValue<string>());
        var fitted = ImageFile.Load(rendered);
        Assert.True(fitted[29, 32, 0] > 200 && fitted[29, 32, 1] < 60, "the neck marker sits at (0.500, 0.461) of the rendered portrait");
        var preflight = report["preflight"]!;
        Assert.True(preflight["portrait"]!["fitted"]!.GetValue<bool>());
        Assert.Equal(Path.GetFullPath(image), preflight["portrait"]!["image"]!.GetValue<string>());
        Assert.True(preflight["gesture"]!["retargeted"]!.GetValue<bool>());
        Assert.Equal("user", preflight["gesture"]!["source"]!.GetValue<string>());
        var beforeAfter = ImageFile.Load(Path.Combine(_dir, "out", "video.retarget.png"));
        Assert.Equal((768, 384), (beforeAfter.Width, beforeAfter.Height));
        var kept = GestureFile.Read(Path.Combine(_dir, "out", "video.retargeted.emgesture"));
        // Hand-computed (PreflightCheckTests): the left hand (0.7, 0.8) lands at (0.6811875, 0.778078) after fit + retarget.
        Assert.Equal(0.6811875, kept.Frames[0].X(EchoMimic.Inference.DwPose.PersonPose.LeftHandStart), 4);
        Assert.Equal(0.778078, kept.Frames[0].Y(EchoMimic.Inference.DwPose.PersonPose.LeftHandStart), 4);
    }

    [Fact]
    public void Without_models_exactly_one_notice_and_a_normal_render()
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "portrait.png"), 160, 100);
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "no-models")).FullName;

        // The gesture as a .emgesture file (a user gesture: retargeting defaults on, and is skipped with the same notice).
        var compact = Path.Combine(_dir, "mine.emgesture");
        GestureFile.Write(compact, GestureSequence.FromPoseFrames(EchoMimic.Inference.Pose.NpyPoseReader.ReadFolder(_gesture), 24));

        var (code, errors) = Run(Options(image) with { Models = empty, Pose = compact });

        Assert.Equal(0, code);
        Assert.True(File.Exists(_output));
        var notice = Assert.Single(errors, e => e.Contains("DWPose", StringComparison.Ordinal));
        Assert.StartsWith("notice: DWPose models not found in " + empty, notice, StringComparison.Ordinal);
        Assert.DoesNotContain(errors, e => e.StartsWith("warning", StringComparison.Ordinal) || e.StartsWith("error", StringComparison.Ordinal));
        var report = Report();
        Assert.Equal(Path.GetFullPath(image), report["image"]!["path"]!.GetValue<string>());
        Assert.False(report["preflight"]!["models_present"]!.GetValue<bool>());
        Assert.False(report["preflight"]!["portrait"]!["checked"]!.GetValue<bool>());
        Assert.False(report["preflight"]!["gesture"]!["retargeted"]!.GetValue<bool>());
        Assert.Contains("retargeting skipped", notice, StringComparison.Ordinal);
        Assert.Equal(compact, report["pose"]!["path"]!.GetValue<string>());
        Assert.Equal(24, report["gesture_frames"]!.GetValue<int>());
        Assert.Equal(["report.json", "video.mp4"], Directory.EnumerateFiles(Path.Combine(_dir, "out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, true)]
    public void Auto_fit_or_retarget_without_models_exits_2_and_writes_nothing(bool autoFit, bool? retarget)
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "portrait.png"), 160, 100);
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "no-models")).FullName;

        var (code, errors) = Run(Options(image) with { Models = empty, AutoFit = autoFit, Retarget = retarget });

        Assert.Equal(2, code);
        var error = Assert.Single(errors);
        Assert.Contains(Path.Combine(empty, "yolox_l.onnx"), error, StringComparison.Ordinal);
        Assert.Contains("huggingface.co/yzd-v/DWPose", error, StringComparison.Ordinal);
        var outDir = Path.Combine(_dir, "out");
        if (Directory.Exists(outDir)) Assert.Empty(Directory.EnumerateFileSystemEntries(outDir));
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static void Ffmpeg(params string[] arguments)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y" }.Concat(arguments)) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
