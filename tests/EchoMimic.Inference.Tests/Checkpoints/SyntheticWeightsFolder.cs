using EchoMimic.Inference.Checkpoints;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary>
/// A fake official <c>pretrained_weights/</c> folder: every file holds exactly the manifest rows of its source at
/// full shape, each tensor a stride-0 view of a one-element storage, so the files are a few hundred KB while their
/// headers describe GBs. Edits per file change which keys and shapes are written.
/// </summary>
internal sealed class SyntheticWeightsFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("weights-check-").FullName;

    public static SyntheticWeightsFolder Complete(bool accelerated = false)
    {
        var folder = new SyntheticWeightsFolder();
        var denoising = WeightsManifest.Load("denoising_unet");
        folder.Write("reference_unet.pth", WeightsManifest.Load("reference_unet").Keys);
        folder.Write(accelerated ? "denoising_unet_acc.pth" : "denoising_unet.pth", denoising.FromSource("denoising_unet.pth"));
        folder.Write(accelerated ? "motion_module_acc.pth" : "motion_module.pth", denoising.FromSource("motion_module.pth"));
        folder.Write("pose_encoder.pth", WeightsManifest.Load("pose_encoder").Keys);
        folder.Write("audio_processor/tiny.pt", WeightsManifest.Load("whisper_tiny").Keys, ScalarType.Float16, stateDictKey: "model_state_dict");
        // sd-vae-ft-mse's .bin uses the legacy mid-block attention names.
        var vae = WeightsManifest.Load("vae");
        var legacy = vae.LegacyAttentionKeys.ToDictionary(kv => kv.Value, kv => kv.Key);
        folder.Write("sd-vae-ft-mse/diffusion_pytorch_model.bin", vae.Keys.Select(k => k with { Key = legacy.GetValueOrDefault(k.Key, k.Key) }));
        File.WriteAllText(Path.Combine(folder.Root, "sd-vae-ft-mse", "config.json"), "{}");
        return folder;
    }

    public void Write(string relativePath, IEnumerable<ManifestKey> rows, ScalarType dtype = ScalarType.Float32, string? stateDictKey = null)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var one = zeros(1, dtype: dtype);
        using var writer = new TorchZipWriter(path, Path.GetFileNameWithoutExtension(relativePath), stateDictKey);
        var storage = writer.AddStorage(one);
        foreach (var row in rows) writer.AddView(row.Key, storage, 0, row.Shape, new long[row.Shape.Length]);
        writer.Finish();
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
