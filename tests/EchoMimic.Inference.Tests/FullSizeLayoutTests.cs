using System.Text.Json;
using EchoMimic.Inference.Networks;
using EchoMimic.Inference.Networks.PoseEncoding;
using EchoMimic.Inference.Networks.Vae;
using EchoMimic.Inference.Networks.Whisper;
using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests;

/// <summary>
/// The full-size modules, built on the meta device (no weights allocated), have exactly the keys, shapes and kinds
/// (parameter / buffer) of the official checkpoints as recorded in the embedded weights manifests.
/// </summary>
public sealed class FullSizeLayoutTests
{
    private sealed record Row(string Key, long[] Shape, string Kind);

    [Fact]
    public void Pose_encoder_layout_matches_the_manifest()
    {
        using var module = new PoseEncoder(PoseEncoderConfig.Official, META);
        AssertLayout(ManifestRows("pose_encoder.json"), module);
    }

    [Fact]
    public void Vae_layout_matches_the_manifest()
    {
        using var module = new AutoencoderKL(VaeConfig.Official, META);
        AssertLayout(ManifestRows("vae.json"), module);
    }

    [Fact]
    public void Whisper_tiny_encoder_layout_matches_the_encoder_rows_of_the_manifest()
    {
        using var module = new WhisperAudioEncoder(WhisperEncoderConfig.Tiny, META);
        // tiny.pt holds the whole model; only the encoder is built (decoder.* is an ignored prefix when loading).
        var rows = ManifestRows("whisper_tiny.json")
            .Where(r => !r.Key.StartsWith("decoder.", StringComparison.Ordinal))
            .Select(r => r with { Key = r.Key.StartsWith("encoder.", StringComparison.Ordinal) ? r.Key["encoder.".Length..] : r.Key })
            .ToList();
        Assert.Equal(67, rows.Count);
        AssertLayout(rows, module);
    }

    [Fact]
    public void Official_vae_config_equals_the_manifest_config()
    {
        using var doc = ManifestDocument("vae.json");
        var fromManifest = VaeConfig.FromJson(doc.RootElement.GetProperty("config").GetProperty("effective"));
        Assert.Equal(ModuleConfigJson.Write(VaeConfig.Official), ModuleConfigJson.Write(fromManifest));
    }

    [Fact]
    public void Official_whisper_and_pose_encoder_configs_equal_the_manifest_configs()
    {
        using var whisper = ManifestDocument("whisper_tiny.json");
        Assert.Equal(WhisperEncoderConfig.Tiny, WhisperEncoderConfig.FromJson(whisper.RootElement.GetProperty("config").GetProperty("dims")));
        using var pose = ManifestDocument("pose_encoder.json");
        var config = PoseEncoderConfig.FromJson(pose.RootElement.GetProperty("config").GetProperty("args"));
        Assert.Equal(ModuleConfigJson.Write(PoseEncoderConfig.Official), ModuleConfigJson.Write(config));
    }

    [Fact]
    public void Meta_device_build_allocates_no_weight_storage()
    {
        using var module = new AutoencoderKL(VaeConfig.Official, META);
        Assert.All(module.parameters(), p => Assert.Equal(DeviceType.META, p.device_type));
        Assert.Equal(83_653_863L, module.parameters().Sum(p => p.NumberOfElements));
    }

    private static void AssertLayout(IReadOnlyList<Row> expected, nn.Module module)
    {
        var parameters = module.named_parameters().Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        var actual = module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape, StringComparer.Ordinal);
        var expectedKeys = expected.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var missing = expectedKeys.Where(k => !actual.ContainsKey(k)).ToList();
        var unexpected = actual.Keys.Where(k => !expectedKeys.Contains(k)).ToList();
        Assert.True(missing.Count == 0 && unexpected.Count == 0,
            $"missing ({missing.Count}): {string.Join(", ", missing.Take(20))}; unexpected ({unexpected.Count}): {string.Join(", ", unexpected.Take(20))}");
        foreach (var row in expected)
        {
            Assert.True(row.Shape.SequenceEqual(actual[row.Key]), $"{row.Key}: module [{string.Join(",", actual[row.Key])}] vs manifest [{string.Join(",", row.Shape)}]");
            Assert.True((row.Kind == "parameter") == parameters.Contains(row.Key), $"{row.Key}: manifest kind {row.Kind}");
        }
    }

    private static List<Row> ManifestRows(string name)
    {
        using var doc = ManifestDocument(name);
        return doc.RootElement.GetProperty("keys").EnumerateArray()
            .Select(e => new Row(e.GetProperty("key").GetString()!, e.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()).ToArray(), e.GetProperty("kind").GetString()!))
            .ToList();
    }

    private static JsonDocument ManifestDocument(string name)
    {
        using var stream = typeof(PoseEncoder).Assembly.GetManifestResourceStream("EchoMimic.Manifests." + name)
            ?? throw new InvalidOperationException($"embedded manifest EchoMimic.Manifests.{name} is missing");
        return JsonDocument.Parse(stream);
    }
}
