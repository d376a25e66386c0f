using System.Text.Json;
using EchoMimic.Inference.Networks;
using EchoMimic.Inference.Networks.PoseEncoding;
using EchoMimic.Inference.Networks.Vae;
using EchoMimic.Inference.Networks.Whisper;
using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests;

/// <summary>
/// The official presets of the pose encoder, VAE and Whisper equal the configs recorded in the weights manifests, and
/// full-size modules build on the meta device. (Key-for-key layouts: Checkpoints/FullSizeLayoutTests.)
/// </summary>
public sealed class OfficialConfigTests
{
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

    private static JsonDocument ManifestDocument(string name)
    {
        using var stream = typeof(PoseEncoder).Assembly.GetManifestResourceStream("EchoMimic.Manifests." + name)
            ?? throw new InvalidOperationException($"embedded manifest EchoMimic.Manifests.{name} is missing");
        return JsonDocument.Parse(stream);
    }
}
