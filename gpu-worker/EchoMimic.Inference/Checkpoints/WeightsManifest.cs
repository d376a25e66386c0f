using System.Text.Json;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// A full-size weights manifest (copied from ../shared/weights-manifest/ and embedded as
/// <c>EchoMimic.Manifests.&lt;module&gt;.json</c>, so a fresh clone has it): every state-dict key of one official
/// network with shape, dtype, kind and source file.
/// </summary>
public sealed class WeightsManifest
{
    /// <summary>The manifests, named as their files (and as <c>echomimic weights layout</c> names its output).</summary>
    public static readonly IReadOnlyList<string> Modules = ["vae", "reference_unet", "denoising_unet", "pose_encoder", "whisper_tiny"];

    private WeightsManifest(string module, IReadOnlyList<ManifestKey> keys, long numTensors, long numElements, IReadOnlyDictionary<string, string> legacy, JsonElement document)
    {
        Module = module;
        Keys = keys;
        NumTensors = numTensors;
        NumElements = numElements;
        LegacyAttentionKeys = legacy;
        Document = document;
    }

    public string Module { get; }
    public IReadOnlyList<ManifestKey> Keys { get; }
    public long NumTensors { get; }
    public long NumElements { get; }

    /// <summary>vae: legacy key -> current key (<c>legacy_attention_keys</c>); empty for the others.</summary>
    public IReadOnlyDictionary<string, string> LegacyAttentionKeys { get; }

    /// <summary>The whole manifest, for fields this type does not model (config, by_source, load ...).</summary>
    public JsonElement Document { get; }

    public IEnumerable<ManifestKey> FromSource(string source) => Keys.Where(k => k.Source == source);

    public static WeightsManifest Load(string module)
    {
        var resource = $"EchoMimic.Manifests.{module}.json";
        using var stream = typeof(WeightsManifest).Assembly.GetManifestResourceStream(resource)
            ?? throw new ArgumentException($"no embedded weights manifest '{module}' (known: {string.Join(", ", Modules)})", nameof(module));
        return Parse(stream);
    }

    public static WeightsManifest Parse(Stream json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement.Clone();
        var keys = root.GetProperty("keys").EnumerateArray().Select(k => new ManifestKey(
            k.GetProperty("key").GetString()!,
            k.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
            k.GetProperty("dtype").GetString()!,
            k.GetProperty("kind").GetString()!,
            k.GetProperty("source").GetString()!)
        {
            PathInCheckpoint = k.TryGetProperty("path_in_checkpoint", out var p) ? p.EnumerateArray().Select(e => e.GetString()!).ToArray() : null,
            IgnoredByEncoderOnly = k.TryGetProperty("ignored_by_encoder_only", out var i) && i.GetBoolean(),
        }).ToList();
        var legacy = root.TryGetProperty("legacy_attention_keys", out var l)
            ? l.EnumerateArray().ToDictionary(e => e.GetProperty("legacy_key").GetString()!, e => e.GetProperty("key").GetString()!)
            : new Dictionary<string, string>();
        return new WeightsManifest(root.GetProperty("module").GetString()!, keys,
            root.GetProperty("num_tensors").GetInt64(), root.GetProperty("num_elements").GetInt64(), legacy, root);
    }
}
