using EchoMimic.Core;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// Checks an official <c>pretrained_weights/</c> folder against the embedded manifests from file headers only
/// (pickles and safetensors headers; no tensor data is read, so checking GBs takes seconds). A file passes when
/// its keys are a subset of the manifest rows whose <c>source</c> names it, with equal shapes, and it supplies every
/// row of its source the model needs. <c>sd-image-variations-diffusers/</c> is optional: <c>denoising_unet.pth</c>
/// and <c>reference_unet.pth</c> carry all the UNet weights. The render pipeline runs this before loading.
/// </summary>
public static class WeightsCheck
{
    public const string VaeFolder = "sd-vae-ft-mse";
    public const string VaeSource = "sd-vae-ft-mse/diffusion_pytorch_model.bin";
    public const string ImageVariationsFolder = "sd-image-variations-diffusers";

    private sealed record Expected(string RelativePath, string Module, string Source);

    /// <summary>The files infer.py (standard) or infer_acc.py (accelerated) loads, with the manifest source of each.</summary>
    private static IEnumerable<Expected> ExpectedFiles(bool accelerated) =>
    [
        new("reference_unet.pth", "reference_unet", "reference_unet.pth"),
        new(accelerated ? "denoising_unet_acc.pth" : "denoising_unet.pth", "denoising_unet", "denoising_unet.pth"),
        new(accelerated ? "motion_module_acc.pth" : "motion_module.pth", "denoising_unet", "motion_module.pth"),
        new("pose_encoder.pth", "pose_encoder", "pose_encoder.pth"),
        new("audio_processor/tiny.pt", "whisper_tiny", "audio_processor/tiny.pt"),
    ];

    public static WeightsCheckReport Run(string directory, bool accelerated)
    {
        if (!Directory.Exists(directory)) throw new InputException(directory, "weights folder does not exist");
        var manifests = WeightsManifest.Modules.ToDictionary(m => m, WeightsManifest.Load);
        var reports = new List<WeightFileReport>();

        foreach (var e in ExpectedFiles(accelerated))
            reports.Add(CheckFile(directory, e.RelativePath, manifests[e.Module], e.Source, used: true));

        reports.AddRange(CheckVae(directory, manifests["vae"]));

        var variations = Path.Combine(directory, ImageVariationsFolder);
        reports.Add(new WeightFileReport(ImageVariationsFolder + "/", "-", Required: false)
        {
            Exists = Directory.Exists(variations),
            Note = "optional: infer.py builds both UNets from it, but reference_unet.pth and denoising_unet.pth + motion_module.pth overwrite every weight; our UNets are configured from embedded configs",
        });
        return new WeightsCheckReport(Path.GetFullPath(directory), accelerated, reports);
    }

    /// <summary>
    /// sd-vae-ft-mse: config.json, and the weights file diffusers loads (.safetensors preferred, else .bin); a
    /// second weights file next to it is checked too but marked as not loaded.
    /// </summary>
    private static IEnumerable<WeightFileReport> CheckVae(string directory, WeightsManifest vae)
    {
        var folder = Path.Combine(directory, VaeFolder);
        var config = Path.Combine(folder, "config.json");
        yield return new WeightFileReport($"{VaeFolder}/config.json", "vae", Required: true)
        {
            Exists = File.Exists(config),
            SizeBytes = File.Exists(config) ? new FileInfo(config).Length : null,
        };
        var preferred = DiffusersFolder.FindWeights(folder);
        if (preferred is null)
        {
            yield return new WeightFileReport($"{VaeFolder}/{DiffusersFolder.WeightsName}.safetensors (or .bin)", "vae", Required: true);
            yield break;
        }
        foreach (var ext in new[] { ".safetensors", ".bin" })
        {
            var path = Path.Combine(folder, DiffusersFolder.WeightsName + ext);
            if (File.Exists(path))
                yield return CheckFile(directory, $"{VaeFolder}/{DiffusersFolder.WeightsName}{ext}", vae, VaeSource, used: path == preferred);
        }
    }

    private static WeightFileReport CheckFile(string directory, string relativePath, WeightsManifest manifest, string source, bool used)
    {
        var report = new WeightFileReport(relativePath, manifest.Module, Required: used);
        var path = Path.Combine(directory, relativePath);
        if (!File.Exists(path)) return report;
        report = report with { Exists = true, SizeBytes = new FileInfo(path).Length, Used = used };

        var rows = manifest.FromSource(source).ToList();
        Dictionary<string, LazyTensor> keys;
        try
        {
            using var checkpoint = CheckpointReader.Open(path);
            var statePath = rows.FirstOrDefault()?.PathInCheckpoint is { Count: > 1 } p ? p.Take(p.Count - 1).Cast<object>().ToArray() : [];
            var state = checkpoint.LazyStateDict(statePath);
            if (manifest.LegacyAttentionKeys.Count > 0) state = LegacyAttentionNames.Apply(state);
            keys = new Dictionary<string, LazyTensor>(StringComparer.Ordinal);
            foreach (var (k, t) in state) keys[k] = t;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException or NotSupportedException or InputException)
        {
            return report with { Error = ex.Message };
        }

        var byKey = rows.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var elsewhere = manifest.Keys.Where(r => r.Source != source).ToDictionary(r => r.Key, r => r.Source, StringComparer.Ordinal);
        var unexpected = new List<string>();
        var misshaped = new List<string>();
        foreach (var (key, tensor) in keys)
        {
            if (!byKey.TryGetValue(key, out var row))
                unexpected.Add(elsewhere.TryGetValue(key, out var other) ? $"{key} (the manifest attributes it to {other})" : key);
            else if (!row.Shape.SequenceEqual(tensor.Shape))
                misshaped.Add($"{key} [{string.Join(",", tensor.Shape)}] vs manifest [{string.Join(",", row.Shape)}]");
        }
        var absent = rows.Where(r => !keys.ContainsKey(r.Key)).ToList();
        return report with
        {
            DTypes = keys.Values.Select(t => TorchDTypes.PythonName(t.DType)).Distinct().Order(StringComparer.Ordinal).ToList(),
            KeyCount = keys.Count,
            UnexpectedKeys = unexpected,
            MisshapedKeys = misshaped,
            MissingKeys = absent.Where(r => !r.IgnoredByEncoderOnly).Select(r => r.Key).ToList(),
            MissingUnusedKeys = absent.Where(r => r.IgnoredByEncoderOnly).Select(r => r.Key).ToList(),
        };
    }
}
