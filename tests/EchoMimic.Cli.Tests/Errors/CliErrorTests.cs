using System.Net;
using System.Net.Sockets;
using System.Text;
using EchoMimic.Core;
using EchoMimic.Core.Media;

namespace EchoMimic.Cli.Tests.Errors;

/// <summary>
/// No stack trace reaches a user (docs/cli-errors.md): each missing tool, unreachable service, unwritable output and
/// malformed file, run through the real entry point as its own process, gives its exit code and one line on stderr,
/// and "Unhandled exception" never appears.
/// </summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cli-errors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Missing => Path.Combine(_dir, "no-such-tool");

    /// <summary>A path below a regular file: not creatable by anyone, root included.</summary>
    private string Unwritable(string name)
    {
        var blocker = Path.Combine(_dir, "a-file");
        if (!File.Exists(blocker)) File.WriteAllText(blocker, "in the way");
        return Path.Combine(blocker, name);
    }

    private string Dummy(string name, string text = "not media")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string?> Env(string name, string? value) => new() { [name] = value };

    private static void AssertOneLine(CliProcess.Run run, int code, string expected)
    {
        Assert.True(run.ExitCode == code, run.ToString());
        Assert.DoesNotContain("Unhandled exception", run.Output + run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        var lines = run.Error.Trim().Split('\n');
        Assert.True(lines.Length == 1, run.ToString());
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
    }

    private string BadFfmpegLine => $"error: ffmpeg: {MediaTools.FfmpegVariable}={Missing} is not an executable file";

    [Fact]
    public async Task Render_with_a_bad_ECHOMIMIC_FFMPEG_exits_2_before_any_work()
    {
        var output = Path.Combine(_dir, "out", "video.mp4");
        AssertOneLine(await CliProcess.RunAsync(Env(MediaTools.FfmpegVariable, Missing), "render", "--out", output), 2, BadFfmpegLine);
        Assert.False(Directory.Exists(Path.GetDirectoryName(output)));
    }

    [Fact]
    public async Task Render_without_ffmpeg_on_the_PATH_names_the_package()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "empty-path")).FullName;
        var environment = new Dictionary<string, string?> { ["PATH"] = empty, [MediaTools.FfmpegVariable] = null, [MediaTools.FfprobeVariable] = null };
        AssertOneLine(await CliProcess.RunAsync(environment, "render", "--out", Path.Combine(_dir, "v.mp4")), 2,
            $"error: ffmpeg: not found on the PATH; install it (apt-get install ffmpeg) or set {MediaTools.FfmpegVariable} to its path");
    }

    [Fact]
    public async Task Pose_extract_with_a_bad_ECHOMIMIC_FFMPEG_exits_2() =>
        AssertOneLine(await CliProcess.RunAsync(Env(MediaTools.FfmpegVariable, Missing), "pose", "extract", Dummy("clip.mp4"), "--out", Path.Combine(_dir, "pose")),
            2, BadFfmpegLine);

    [Fact]
    public async Task Pose_extract_without_ffprobe_exits_2() =>
        AssertOneLine(await CliProcess.RunAsync(Env(MediaTools.FfprobeVariable, Missing), "pose", "extract", Dummy("clip.mp4"), "--out", Path.Combine(_dir, "pose")),
            2, $"error: ffprobe: {MediaTools.FfprobeVariable}={Missing} is not an executable file");

    [Fact]
    public async Task Preview_with_a_bad_ECHOMIMIC_FFMPEG_exits_2() =>
        AssertOneLine(await CliProcess.RunAsync(Env(MediaTools.FfmpegVariable, Missing), "preview", "--image", Dummy("p.png"), "--audio", Dummy("a.wav"),
            "--pose", Dummy("g.emgesture"), "--out", Path.Combine(_dir, "preview.mp4")), 2, BadFfmpegLine);

    [Fact]
    public async Task Preview_without_ffprobe_exits_2() =>
        AssertOneLine(await CliProcess.RunAsync(Env(MediaTools.FfprobeVariable, Missing), "preview", "--image", Dummy("p.png"), "--audio", Dummy("a.wav"),
            "--pose", Dummy("g.emgesture"), "--out", Path.Combine(_dir, "preview.mp4")), 2, "error: ffprobe: ");

    [Fact]
    public async Task Stitcher_without_ffprobe_exits_2() =>
        // bench stitch makes its clips with ffmpeg, then FfmpegStitcher probes them with ffprobe.
        AssertOneLine(await CliProcess.RunAsync(Env(MediaTools.FfprobeVariable, Missing), "bench", "stitch", "--seconds", "1", "--size", "64"),
            2, $"error: ffprobe: {MediaTools.FfprobeVariable}={Missing} is not an executable file");

    [Fact]
    public async Task Samples_make_without_espeak_ng_exits_2_and_writes_nothing()
    {
        var folder = Path.Combine(_dir, "samples");
        AssertOneLine(await CliProcess.RunAsync(Env(MediaTools.EspeakNgVariable, Missing), "samples", "make", "--out", folder),
            2, $"error: espeak-ng: {MediaTools.EspeakNgVariable}={Missing} is not an executable file");
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("worker")]
    public async Task Unreachable_storage_exits_2_naming_the_endpoint(string command)
    {
        var port = ClosedPort();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};" +
            $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        var run = await CliProcess.RunAsync(command, "--connection", connection, "--scratch", Path.Combine(_dir, "scratch"));
        AssertOneLine(run, 2, $"error: storage account: cannot reach http://127.0.0.1:{port}/devstoreaccount1");
        Assert.Contains("start Azurite", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", run.Error, StringComparison.Ordinal);
    }

    public static TheoryData<string> WritingCommands => ["render", "pose extract", "pose preview", "pose retarget", "preview", "ref fit", "weights layout", "samples make"];

    [Theory, MemberData(nameof(WritingCommands))]
    public async Task Unwritable_output_exits_2_naming_it(string command)
    {
        var output = Unwritable(command.Replace(' ', '-') + (command is "render" or "pose preview" or "preview" ? ".mp4" : command == "ref fit" ? ".png" : ""));
        string[] arguments = command switch
        {
            "render" => ["render", "--out", output],
            "pose extract" => ["pose", "extract", Dummy("clip.mp4"), "--out", output],
            "pose preview" => ["pose", "preview", Dummy("g.emgesture"), "--out", output],
            "pose retarget" => ["pose", "retarget", Dummy("g.emgesture"), "--image", Dummy("p.png"), "--out", output],
            "preview" => ["preview", "--image", Dummy("p.png"), "--audio", Dummy("a.wav"), "--pose", Dummy("g.emgesture"), "--out", output],
            "ref fit" => ["ref", "fit", Dummy("p.png"), "--out", output],
            "weights layout" => ["weights", "layout", "--out", output],
            _ => ["samples", "make", "--out", output],
        };
        AssertOneLine(await CliProcess.RunAsync(arguments), 2, $"error: {output}: output folder is not writable");
    }

    [Fact]
    public async Task Parity_on_malformed_fixture_files_prints_FAIL_lines_without_a_trace()
    {
        var fixtures = Directory.CreateDirectory(Path.Combine(_dir, "fixtures", "networks")).FullName;
        File.WriteAllBytes(Path.Combine(fixtures, "truncated.safetensors"), [7, 0, 0]);
        WriteSafetensors(Path.Combine(fixtures, "lying.safetensors"), """{"__metadata__":{"component":"vae_decode"},"output.y":{"dtype":"F32","shape":[1000000],"data_offsets":[0,4000000]}}""");
        WriteSafetensors(Path.Combine(fixtures, "no_component.safetensors"), """{"__metadata__":{"format":"echomimic-fixture/1"}}""");

        var run = await CliProcess.RunAsync("parity", Path.GetDirectoryName(fixtures)!);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.DoesNotContain("Unhandled exception", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Contains("FAIL networks/truncated.safetensors", run.Output, StringComparison.Ordinal);
        Assert.Contains("FAIL networks/lying.safetensors", run.Output, StringComparison.Ordinal);
        Assert.Contains("FAIL networks/no_component.safetensors", run.Output, StringComparison.Ordinal);
        Assert.Contains("parity: 0 passed, 3 failed", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("denoising_unet.pth", "not a checkpoint")]
    [InlineData("sd-vae-ft-mse/diffusion_pytorch_model.safetensors", "\u0010\u0000\u0000\u0000\u0000\u0000\u0000\u0000{broken json}")]
    public async Task Weights_check_on_a_malformed_checkpoint_reports_it_without_a_trace(string file, string content)
    {
        var weights = Path.Combine(_dir, "pretrained_weights");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(weights, file))!);
        File.WriteAllText(Path.Combine(weights, file), content, Encoding.Latin1);

        var run = await CliProcess.RunAsync("weights", "check", weights);

        Assert.True(run.ExitCode is 1 or 2, run.ToString());
        Assert.DoesNotContain("Unhandled exception", run.Output + run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(file), run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbose_adds_the_stack_trace_after_the_line()
    {
        foreach (var run in new[]
                 {
                     await CliProcess.RunAsync(Env(MediaTools.FfmpegVariable, Missing), "render", "--verbose", "--out", Path.Combine(_dir, "v.mp4")),
                     await CliProcess.RunAsync(new Dictionary<string, string?> { [MediaTools.FfmpegVariable] = Missing, [Program.VerboseVariable] = "1" },
                         "render", "--out", Path.Combine(_dir, "v.mp4")),
                 })
        {
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.StartsWith(BadFfmpegLine, run.Error, StringComparison.Ordinal);
            Assert.Contains("   at EchoMimic.Core.Media.MediaTools", run.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Boundary_maps_each_kind_of_failure_to_its_code_and_one_line()
    {
        Assert.Equal((2, "error: --steps: 0 is outside 1..1000"), Report(new InputException("--steps", "0 is outside 1..1000")));
        Assert.Equal((2, "error: ffmpeg: not found; install it"), Report(new PrerequisiteException("ffmpeg", "not found", "install it")));
        Assert.Equal((1, "error: render job failed: x"), Report(new Local.RenderJobFailedException("render job failed: x")));
        Assert.Equal((130, "cancelled: no output written"), Report(new OperationCanceledException()));
        Assert.Equal((1, "internal error: InvalidOperationException: a bug on two lines (run with --verbose for the stack trace)"),
            Report(new AggregateException(new InvalidOperationException("a bug\non two lines"))));
    }

    private static (int, string) Report(Exception e)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            return (Program.Report(e, verbose: false), error.ToString().Trim());
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    private static void WriteSafetensors(string path, string header)
    {
        var json = Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)json.Length));
        stream.Write(json);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
