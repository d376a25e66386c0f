using System.Diagnostics;
using EchoMimic.Cli.Commands;
using EchoMimic.Inference.Pose;
using EchoMimic.Inference.Samples;

namespace EchoMimic.Cli.Tests;

/// <summary>
/// Every bad input of issue 8 item 9: exit code 2, one message naming the input, and no output file left behind.
/// Each case fails before any denoising starts, so these run in seconds.
/// </summary>
public sealed class RenderBadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("render-bad").FullName;
    private readonly string _image, _audio, _pose, _output;

    public RenderBadInputTests()
    {
        _image = Path.Combine(_dir, "portrait.png");
        File.WriteAllBytes(_image, PortraitPainter.PaintPng(64));
        _pose = Path.Combine(_dir, "pose");
        NpyPoseWriter.WriteFolder(_pose, GestureLibrary.Breathing(0.25));
        _audio = Path.Combine(_dir, "tone.wav");
        Ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-ar", "16000", _audio);
        _output = Path.Combine(_dir, "out", "video.mp4");
    }

    private RenderCommand.RenderOptions Options(string? image = null, string? audio = null, string? pose = null, string? output = null, int? width = 64, int? height = 64) =>
        new(image ?? _image, audio ?? _audio, pose ?? _pose, output ?? _output, null, false, null, null, null, width, height, null, null);

    private void AssertRejected(RenderCommand.RenderOptions options, string expectedInMessage)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try { code = RenderCommand.Run(options); }
        finally { Console.SetError(previous); }
        Assert.Equal(2, code);
        var message = error.ToString().Trim();
        Assert.Single(message.Split('\n'));
        Assert.Contains(expectedInMessage, message);
        var outputDir = Path.GetDirectoryName(options.Output ?? _output)!;
        if (Directory.Exists(outputDir)) Assert.Empty(Directory.EnumerateFiles(outputDir, "*.mp4*").Concat(Directory.EnumerateFiles(outputDir, ".*partial*")));
    }

    [Fact]
    public void Missing_image_file() => AssertRejected(Options(image: Path.Combine(_dir, "nope.png")), "nope.png");

    [Fact]
    public void Image_that_is_not_an_image()
    {
        var fake = Path.Combine(_dir, "fake.png");
        File.WriteAllText(fake, "this is not a picture");
        AssertRejected(Options(image: fake), "fake.png");
    }

    [Fact]
    public void Audio_that_is_not_audio()
    {
        var fake = Path.Combine(_dir, "fake.wav");
        File.WriteAllText(fake, "this is not a sound");
        AssertRejected(Options(audio: fake), "fake.wav");
    }

    [Fact]
    public void Zero_length_audio()
    {
        var empty = Path.Combine(_dir, "empty.wav");
        File.WriteAllBytes(empty, []);
        AssertRejected(Options(audio: empty), "empty.wav");
    }

    [Fact]
    public void Silent_audio()
    {
        var silent = Path.Combine(_dir, "silent.wav");
        Ffmpeg("-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "1", silent);
        AssertRejected(Options(audio: silent), "silent");
    }

    [Fact]
    public void Pose_folder_with_a_missing_frame()
    {
        File.Delete(Path.Combine(_pose, "1.npy"));
        AssertRejected(Options(), "1.npy");
    }

    [Fact]
    public void Malformed_pose_frame()
    {
        File.WriteAllText(Path.Combine(_pose, "2.npy"), "garbage");
        AssertRejected(Options(), "2.npy");
    }

    [Fact]
    public void Unknown_gesture_name() => AssertRejected(Options(pose: "moonwalk"), "moonwalk");

    [Fact]
    public void Width_not_a_multiple_of_8() => AssertRejected(Options(width: 100), "--width");

    [Fact]
    public void Unwritable_output_path()
    {
        var file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "");
        AssertRejected(Options(output: Path.Combine(file, "video.mp4")), "video.mp4");
    }

    [Fact]
    public void Unknown_noise_mode() =>
        AssertRejected(Options() with { Noise = "pink" }, "--noise");

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
