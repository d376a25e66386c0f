using EchoMimic.Inference.Hub;
using EchoMimic.Inference.Tests.Checkpoints;
using EchoMimic.Inference.Tests.Hub;

namespace EchoMimic.Cli.Tests.Commands;

/// <summary>
/// <c>echomimic weights download</c> through the real command line against <see cref="LocalHubServer"/>, which
/// serves a synthetic official folder (full-size headers, KB-sized files) in the hub's URL layout: the result
/// passes <c>weights check</c>; 404, a corrupt copy, an unreachable hub and an unwritable folder end with exit 2
/// and one line; a <c>.part</c> file left by an earlier run is resumed with a Range request.
/// </summary>
public sealed class WeightsDownloadCommandTests : IAsyncLifetime
{
    private const string EchoMimic = "BadToBest/EchoMimicV2";
    private const string Vae = "stabilityai/sd-vae-ft-mse";
    private const string DwPose = "yzd-v/DWPose";
    private static readonly string[] Variables = [HubSettings.EndpointVariable, HubSettings.TokenVariable, HubSettings.WhisperTinyUrlVariable];

    private readonly LocalHubServer _server = new();
    private readonly string _work = Directory.CreateTempSubdirectory("weights-download-").FullName;
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private string Target => Path.Combine(_work, "pretrained_weights");

    [Fact]
    public void Download_fills_a_folder_that_passes_weights_check_and_a_second_run_fetches_nothing()
    {
        using var official = Publish(accelerated: false);

        var (code, output, error) = Run("weights", "download", "--dir", Target, "--dwpose");

        Assert.True(code == 0, output + error);
        Assert.Contains("weights check: PASS", output);
        Assert.Contains("dwpose: OK", output);
        Assert.Contains("downloading reference_unet.pth: ", output);
        Assert.Matches(@"downloading reference_unet\.pth: \d+\.\d of \d+\.\d MB", output);
        foreach (var file in Directory.EnumerateFiles(official.Root, "*", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(Target, Path.GetRelativePath(official.Root, file))));
        Assert.Empty(Directory.EnumerateFiles(Target, "*.part", SearchOption.AllDirectories));
        Assert.Equal(0, Run("weights", "check", Target).Code);

        var getsBefore = _server.Requests.Count(r => r.Method == "GET");
        (code, output, error) = Run("weights", "download", "--dir", Target, "--dwpose");
        Assert.True(code == 0, output + error);
        Assert.Contains("already present", output);
        Assert.Equal(getsBefore, _server.Requests.Count(r => r.Method == "GET"));
    }

    [Fact]
    public void Accelerated_download_fetches_the_acc_files_and_passes_the_accelerated_check()
    {
        using var official = Publish(accelerated: true);

        var (code, output, error) = Run("weights", "download", "--dir", Target, "--accelerated");

        Assert.True(code == 0, output + error);
        Assert.Contains("accelerated: infer_acc.py", output);
        Assert.True(File.Exists(Path.Combine(Target, "denoising_unet_acc.pth")));
        Assert.True(File.Exists(Path.Combine(Target, "motion_module_acc.pth")));
        Assert.False(File.Exists(Path.Combine(Target, "denoising_unet.pth")));
        Assert.False(Directory.Exists(Path.Combine(Target, "dwpose")));
    }

    [Fact]
    public void A_part_file_left_by_an_earlier_run_is_resumed_with_a_range_request()
    {
        using var official = Publish(accelerated: false);
        var bytes = File.ReadAllBytes(Path.Combine(official.Root, "denoising_unet.pth"));
        Directory.CreateDirectory(Target);
        File.WriteAllBytes(Path.Combine(Target, "denoising_unet.pth.part"), bytes[..(bytes.Length / 2)]);

        var (code, output, error) = Run("weights", "download", "--dir", Target);

        Assert.True(code == 0, output + error);
        var cdn = $"/cdn/{LocalHubServer.Sha256(bytes)}";
        Assert.Equal($"bytes={bytes.Length / 2}-", Assert.Single(_server.Gets(cdn)).Range);
        Assert.Contains("(resuming the .part file)", output);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(Target, "denoising_unet.pth")));
        Assert.Contains("weights check: PASS", output);
    }

    [Fact]
    public void A_file_missing_on_the_hub_exits_2_with_one_line_and_leaves_no_partial_file()
    {
        using var official = Publish(accelerated: false, skip: "motion_module.pth");

        var (code, _, error) = Run("weights", "download", "--dir", Target);

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(error));
        Assert.Contains(Path.Combine(Target, "motion_module.pth"), line, StringComparison.Ordinal);
        Assert.Contains("HTTP 404", line, StringComparison.Ordinal);
        Assert.Contains("HF_ENDPOINT", line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Target, "motion_module.pth")));
        Assert.Empty(Directory.EnumerateFiles(Target, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_corrupt_copy_exits_2_with_one_line_and_is_not_left_in_place()
    {
        using var official = Publish(accelerated: false, corrupt: "reference_unet.pth");

        var (code, _, error) = Run("weights", "download", "--dir", Target);

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(error));
        Assert.Contains(Path.Combine(Target, "reference_unet.pth"), line, StringComparison.Ordinal);
        Assert.Contains("SHA-256", line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Target, "reference_unet.pth")));
        Assert.Empty(Directory.EnumerateFiles(Target, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public void An_unreachable_hub_exits_2_with_one_line_naming_HF_ENDPOINT()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        Environment.SetEnvironmentVariable(HubSettings.EndpointVariable, $"http://127.0.0.1:{port}");

        var (code, _, error) = Run("weights", "download", "--dir", Target);

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(error));
        Assert.Contains($"cannot reach http://127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("HF_ENDPOINT", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_HF_ENDPOINT_exits_2_with_one_line()
    {
        Environment.SetEnvironmentVariable(HubSettings.EndpointVariable, "not a url");

        var (code, _, error) = Run("weights", "download", "--dir", Target);

        Assert.Equal(2, code);
        Assert.StartsWith("error: HF_ENDPOINT:", Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unwritable_folder_exits_2_with_one_line_naming_it()
    {
        using var official = Publish(accelerated: false);
        var blocker = Path.Combine(_work, "a-file");
        File.WriteAllText(blocker, "not a folder");
        var target = Path.Combine(blocker, "pretrained_weights");

        var (code, _, error) = Run("weights", "download", "--dir", target);

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(error));
        Assert.Contains(target, line, StringComparison.Ordinal);
        Assert.Contains("not writable", line, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Requests, r => r.Method == "GET");
    }

    /// <summary>
    /// Serves a synthetic official folder the way the hub lays it out: the EchoMimic checkpoints at the root of
    /// BadToBest/EchoMimicV2, the VAE at the root of stabilityai/sd-vae-ft-mse (config.json as a regular git file),
    /// Whisper tiny at an openai-style URL carrying its SHA-256, and two stand-in ONNX files in yzd-v/DWPose.
    /// </summary>
    private SyntheticWeightsFolder Publish(bool accelerated, string? skip = null, string? corrupt = null)
    {
        var official = SyntheticWeightsFolder.Complete(accelerated);
        string[] checkpoints = accelerated
            ? ["reference_unet.pth", "denoising_unet_acc.pth", "motion_module_acc.pth", "pose_encoder.pth"]
            : ["reference_unet.pth", "denoising_unet.pth", "motion_module.pth", "pose_encoder.pth"];
        foreach (var name in checkpoints.Where(n => n != skip))
            _server.AddLfs(EchoMimic, name, File.ReadAllBytes(Path.Combine(official.Root, name)), corrupt: name == corrupt);
        _server.AddRegular(Vae, "config.json", File.ReadAllBytes(Path.Combine(official.Root, "sd-vae-ft-mse", "config.json")));
        _server.AddLfs(Vae, "diffusion_pytorch_model.bin", File.ReadAllBytes(Path.Combine(official.Root, "sd-vae-ft-mse", "diffusion_pytorch_model.bin")));
        var tiny = File.ReadAllBytes(Path.Combine(official.Root, "audio_processor", "tiny.pt"));
        var whisper = _server.AddPlain($"/main/whisper/models/{LocalHubServer.Sha256(tiny)}/tiny.pt", tiny);
        foreach (var (name, seed) in new[] { ("yolox_l.onnx", 1), ("dw-ll_ucoco_384.onnx", 2) })
        {
            var onnx = new byte[40_000];
            new Random(seed).NextBytes(onnx);
            _server.AddLfs(DwPose, name, onnx);
            var local = Path.Combine(official.Root, "dwpose", name);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            File.WriteAllBytes(local, onnx);
        }
        if (accelerated) Directory.Delete(Path.Combine(official.Root, "dwpose"), recursive: true);
        Environment.SetEnvironmentVariable(HubSettings.EndpointVariable, _server.Endpoint.ToString());
        Environment.SetEnvironmentVariable(HubSettings.WhisperTinyUrlVariable, whisper.ToString());
        return official;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var original = Console.Out;
        var originalError = Console.Error;
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (Program.Main(args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(original);
            Console.SetError(originalError);
        }
    }

    public ValueTask InitializeAsync()
    {
        foreach (var variable in Variables) Environment.SetEnvironmentVariable(variable, null);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (variable, value) in _saved) Environment.SetEnvironmentVariable(variable, value);
        await _server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }
}
