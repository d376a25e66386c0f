using EchoMimic.Inference.Checkpoints;
using static TorchSharp.torch;

namespace EchoMimic.Cli.Tests.Commands;

/// <summary><c>echomimic weights check</c> exit codes and report lines, through the real command line.</summary>
public sealed class WeightsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("weights-cli-").FullName;

    [Fact]
    public void Check_of_a_folder_that_does_not_exist_exits_2()
    {
        var (code, _) = Run("weights", "check", Path.Combine(_dir, "nope"));
        Assert.Equal(2, code);
    }

    [Fact]
    public void Check_of_an_empty_folder_lists_every_expected_file_as_missing_and_exits_1()
    {
        var (code, output) = Run("weights", "check", _dir);
        Assert.Equal(1, code);
        foreach (var file in new[] { "reference_unet.pth", "denoising_unet.pth", "motion_module.pth", "pose_encoder.pth", "audio_processor/tiny.pt", "sd-vae-ft-mse/config.json" })
            Assert.Contains(output.Split('\n'), l => l.StartsWith("MISSING", StringComparison.Ordinal) && l.Contains(file, StringComparison.Ordinal));
        Assert.Contains("weights check: FAIL", output);

        (code, output) = Run("weights", "check", _dir, "--accelerated");
        Assert.Equal(1, code);
        Assert.Contains("denoising_unet_acc.pth", output);
    }

    [Fact]
    public void Check_of_a_complete_folder_exits_0()
    {
        var denoising = WeightsManifest.Load("denoising_unet");
        Write("reference_unet.pth", WeightsManifest.Load("reference_unet").Keys);
        Write("denoising_unet.pth", denoising.FromSource("denoising_unet.pth"));
        Write("motion_module.pth", denoising.FromSource("motion_module.pth"));
        Write("pose_encoder.pth", WeightsManifest.Load("pose_encoder").Keys);
        Write("audio_processor/tiny.pt", WeightsManifest.Load("whisper_tiny").Keys, "model_state_dict");
        Write("sd-vae-ft-mse/diffusion_pytorch_model.bin", WeightsManifest.Load("vae").Keys);
        File.WriteAllText(Path.Combine(_dir, "sd-vae-ft-mse", "config.json"), "{}");

        var (code, output) = Run("weights", "check", _dir);
        Assert.True(code == 0, output);
        Assert.Contains("weights check: PASS", output);
    }

    [Fact]
    public void Layout_writes_one_manifest_schema_file_per_module_and_exits_0()
    {
        var output = Path.Combine(_dir, "layouts");
        var (code, text) = Run("weights", "layout", "--out", output);
        Assert.True(code == 0, text);
        foreach (var module in WeightsManifest.Modules)
        {
            using var stream = File.OpenRead(Path.Combine(output, module + ".json"));
            using var doc = System.Text.Json.JsonDocument.Parse(stream);
            var keys = doc.RootElement.GetProperty("keys");
            Assert.Equal(keys.GetArrayLength(), doc.RootElement.GetProperty("num_tensors").GetInt32());
            Assert.All(keys.EnumerateArray(), k => Assert.True(k.TryGetProperty("key", out _) && k.TryGetProperty("shape", out _) && k.TryGetProperty("dtype", out _) && k.TryGetProperty("kind", out _)));
        }
    }

    private void Write(string relative, IEnumerable<ManifestKey> rows, string? stateDictKey = null)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var one = zeros(1);
        using var writer = new TorchZipWriter(path, "archive", stateDictKey);
        var storage = writer.AddStorage(one);
        foreach (var row in rows) writer.AddView(row.Key, storage, 0, row.Shape, new long[row.Shape.Length]);
        writer.Finish();
    }

    private static readonly Lock ConsoleLock = new();

    private static (int Code, string Output) Run(params string[] args)
    {
        lock (ConsoleLock)
        {
            var original = Console.Out;
            var originalError = Console.Error;
            using var output = new StringWriter();
            Console.SetOut(output);
            Console.SetError(output);
            try
            {
                return (Program.Main(args), output.ToString());
            }
            finally
            {
                Console.SetOut(original);
                Console.SetError(originalError);
            }
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
