using System.Text.Json;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// A diffusers model folder (<c>config.json</c> + <c>diffusion_pytorch_model.safetensors</c> or <c>.bin</c>), read
/// as <c>ModelMixin.from_pretrained</c> does: the safetensors file is preferred when both exist, and the legacy
/// VAE attention names are mapped to the current ones (<see cref="LegacyAttentionNames"/>).
/// </summary>
public sealed class DiffusersFolder : IDisposable
{
    public const string WeightsName = "diffusion_pytorch_model";

    private DiffusersFolder(string directory, JsonDocument config, Checkpoint checkpoint)
    {
        Directory = directory;
        ConfigDocument = config;
        Checkpoint = checkpoint;
    }

    public string Directory { get; }
    public JsonDocument ConfigDocument { get; }
    public JsonElement Config => ConfigDocument.RootElement;
    public Checkpoint Checkpoint { get; }
    public string WeightsFile => Checkpoint.Path;

    /// <summary>The weights file from_pretrained would load from <paramref name="directory"/>, or null when there is none.</summary>
    public static string? FindWeights(string directory)
    {
        foreach (var name in new[] { WeightsName + ".safetensors", WeightsName + ".bin" })
        {
            var path = System.IO.Path.Combine(directory, name);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    public static DiffusersFolder Open(string directory)
    {
        var configPath = System.IO.Path.Combine(directory, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"diffusers folder {directory} has no config.json", configPath);
        var weights = FindWeights(directory)
            ?? throw new FileNotFoundException($"diffusers folder {directory} has neither {WeightsName}.safetensors nor {WeightsName}.bin");
        var config = JsonDocument.Parse(File.ReadAllBytes(configPath));
        try
        {
            return new DiffusersFolder(directory, config, CheckpointReader.Open(weights));
        }
        catch
        {
            config.Dispose();
            throw;
        }
    }

    /// <summary>The state dict under current diffusers names, lazily.</summary>
    public IEnumerable<KeyValuePair<string, LazyTensor>> LazyStateDict() => LegacyAttentionNames.Apply(Checkpoint.LazyStateDict());

    /// <summary>The state dict under current diffusers names, each tensor read when reached.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> StateDict() =>
        LazyStateDict().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.Materialize()));

    public void Dispose()
    {
        Checkpoint.Dispose();
        ConfigDocument.Dispose();
    }
}
