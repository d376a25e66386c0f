using System.Text.Json;
using EchoMimic.Inference.Checkpoints;

namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary>Diffusers folders load like from_pretrained: safetensors preferred, legacy attention names mapped.</summary>
public sealed class DiffusersFolderTests
{
    public static TheoryData<string> Folders => CheckpointSamples.DiffusersFolders();

    [Theory, MemberData(nameof(Folders))]
    public void Folder_loads_every_sidecar_tensor_under_its_current_diffusers_name(string folder)
    {
        var dir = CheckpointSamples.Require(folder);
        using var loaded = DiffusersFolder.Open(dir);
        var preferred = File.Exists(Path.Combine(dir, "diffusion_pytorch_model.safetensors")) ? "diffusion_pytorch_model.safetensors" : "diffusion_pytorch_model.bin";
        Assert.Equal(Path.Combine(dir, preferred), loaded.WeightsFile);
        Assert.Equal(JsonValueKind.Object, loaded.Config.ValueKind);

        using var sidecar = JsonDocument.Parse(File.ReadAllBytes(loaded.WeightsFile + ".json"));
        var expected = sidecar.RootElement.GetProperty("tensors").EnumerateArray()
            .ToDictionary(t => t.GetProperty("key").GetString()!, t => t);
        var read = loaded.LazyStateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(expected.Count, read.Count);
        foreach (var (fileKey, t) in expected)
        {
            var key = LegacyAttentionNames.Rename(fileKey) ?? fileKey;
            Assert.True(read.ContainsKey(key), $"{fileKey} should load as {key}");
            Assert.DoesNotContain(".query.", key);
            Assert.DoesNotContain(".proj_attn.", key);
            using var tensor = read[key].Materialize();
            Assert.Equal(t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), tensor.shape);
            Assert.Equal(t.GetProperty("sha256").GetString(), TensorChecksums.Of(tensor).Sha256);
        }
    }

    [Fact]
    public void Legacy_names_map_as_the_vae_manifest_lists_them()
    {
        var manifest = WeightsManifest.Load("vae");
        Assert.NotEmpty(manifest.LegacyAttentionKeys);
        foreach (var (legacy, current) in manifest.LegacyAttentionKeys) Assert.Equal(current, LegacyAttentionNames.Rename(legacy));
        foreach (var row in manifest.Keys) Assert.Null(LegacyAttentionNames.Rename(row.Key));
    }

    [Fact]
    public void Whisper_attention_names_are_not_mistaken_for_legacy_vae_names()
    {
        Assert.Null(LegacyAttentionNames.Rename("encoder.blocks.0.attn.query.weight"));
        Assert.Null(LegacyAttentionNames.Rename("decoder.blocks.1.cross_attn.key.weight"));
    }
}
