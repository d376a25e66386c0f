using System.Text.Json;
using EchoMimic.Inference.Networks.Unet;
using EchoMimic.Inference.Networks.Unet3d;
using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests;

/// <summary>The full-size official UNets, built without allocating weights, have exactly the manifests' keys and shapes.</summary>
public sealed class UnetLayoutTests
{
    [Fact]
    public void Reference_unet_layout_matches_the_official_manifest()
    {
        using var unet = new ReferenceUNet2D(UNet2DConfig.Official, META);
        AssertMatchesManifest(unet, "reference_unet");
    }

    [Fact]
    public void Denoising_unet_layout_matches_the_official_manifest()
    {
        using var unet = new EmoUNet3D(EmoUNet3DConfig.Official, META);
        AssertMatchesManifest(unet, "denoising_unet");
    }

    [Fact]
    public void Official_configs_built_from_the_manifest_json_equal_the_presets()
    {
        using var manifest = Manifest("denoising_unet");
        var effective = manifest.RootElement.GetProperty("config").GetProperty("effective");
        var fromJson = EmoUNet3DConfig.FromJson(effective);
        Assert.Equal(EmoUNet3DConfig.Official.BlockOutChannels, fromJson.BlockOutChannels);
        Assert.Equal(EmoUNet3DConfig.Official.AttentionHeads, fromJson.AttentionHeads);
        Assert.Equal(EmoUNet3DConfig.Official.CrossAttentionDim, fromJson.CrossAttentionDim);
        Assert.Equal(EmoUNet3DConfig.Official.LayersPerBlock, fromJson.LayersPerBlock);
        Assert.Equal(EmoUNet3DConfig.Official.MotionModule with { AttentionBlockTypes = fromJson.MotionModule.AttentionBlockTypes }, fromJson.MotionModule);
        Assert.Equal(EmoUNet3DConfig.Official.MotionModule.AttentionBlockTypes, fromJson.MotionModule.AttentionBlockTypes);

        using var reference = Manifest("reference_unet");
        var reference2d = UNet2DConfig.FromJson(reference.RootElement.GetProperty("config").GetProperty("config_json"));
        Assert.Equal(UNet2DConfig.Official.BlockOutChannels, reference2d.BlockOutChannels);
        Assert.Equal(UNet2DConfig.Official.AttentionHeads, reference2d.AttentionHeads);
        Assert.Equal(UNet2DConfig.Official.LayersPerBlock, reference2d.LayersPerBlock);
    }

    private static JsonDocument Manifest(string module)
    {
        using var stream = typeof(ReferenceUNet2D).Assembly.GetManifestResourceStream($"EchoMimic.Manifests.{module}.json")
            ?? throw new InvalidOperationException($"embedded manifest {module}.json is missing");
        return JsonDocument.Parse(stream);
    }

    private static void AssertMatchesManifest(nn.Module module, string name)
    {
        using var manifest = Manifest(name);
        var expected = manifest.RootElement.GetProperty("keys").EnumerateArray().ToDictionary(
            k => k.GetProperty("key").GetString()!,
            k => (Shape: string.Join(",", k.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())), Kind: k.GetProperty("kind").GetString()!));
        var buffers = module.named_buffers().Select(b => b.name).ToHashSet(StringComparer.Ordinal);
        var actual = module.state_dict().ToDictionary(kv => kv.Key, kv =>
        {
            Assert.True(kv.Value.device_type == DeviceType.META, $"{kv.Key} was allocated on {kv.Value.device}");
            Assert.Equal(ScalarType.Float32, kv.Value.dtype);
            return (Shape: string.Join(",", kv.Value.shape), Kind: buffers.Contains(kv.Key) ? "buffer" : "parameter");
        });

        var missing = expected.Keys.Except(actual.Keys).Order().ToList();
        var unexpected = actual.Keys.Except(expected.Keys).Order().ToList();
        var mismatched = expected.Keys.Intersect(actual.Keys).Where(k => expected[k] != actual[k])
            .Select(k => $"{k}: {actual[k]} vs manifest {expected[k]}").ToList();
        Assert.True(missing.Count + unexpected.Count + mismatched.Count == 0,
            $"missing {missing.Count}: {string.Join(", ", missing.Take(20))}\nunexpected {unexpected.Count}: {string.Join(", ", unexpected.Take(20))}\n" +
            $"mismatched {mismatched.Count}: {string.Join("; ", mismatched.Take(20))}");
        Assert.Equal(manifest.RootElement.GetProperty("num_tensors").GetInt32(), actual.Count);
    }
}
