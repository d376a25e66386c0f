using System.Text.Json;
using EchoMimic.Inference.Networks.Unet;
using EchoMimic.Inference.Networks.Unet3d;
using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests;

/// <summary>The UNets' official presets equal the configs recorded in the weights manifests. (Layouts: Checkpoints/FullSizeLayoutTests.)</summary>
public sealed class UnetConfigTests
{
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
}
