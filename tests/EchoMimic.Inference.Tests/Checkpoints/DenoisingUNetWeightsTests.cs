using EchoMimic.Inference.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary>The denoising UNet's two files merge in the official order into one strict load.</summary>
public sealed class DenoisingUNetWeightsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("denoising-weights-").FullName;

    private static nn.Module Model() => nn.Sequential(("conv_in", nn.Linear(2, 2)), ("motion_modules", nn.Linear(2, 2)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Motion_module_then_denoising_unet_later_file_wins(bool accelerated)
    {
        using var motionWeight = full(2, 2, 1f);
        using var motionBias = full(2, 1f);
        using var sharedFromMotion = full(2, 2, 5f);
        using var convWeight = full(2, 2, 2f);
        using var convBias = full(2, 2f);
        using var sharedFromDenoising = full(2, 2, 7f);
        var (motion, denoising) = (DenoisingUNetWeights.Files(_dir, accelerated)[0], DenoisingUNetWeights.Files(_dir, accelerated)[1]);
        Assert.EndsWith(accelerated ? "motion_module_acc.pth" : "motion_module.pth", motion);
        Assert.EndsWith(accelerated ? "denoising_unet_acc.pth" : "denoising_unet.pth", denoising);
        TorchZipWriter.Write(motion, [new("motion_modules.weight", motionWeight), new("motion_modules.bias", motionBias), new("conv_in.weight", sharedFromMotion)]);
        TorchZipWriter.Write(denoising, [new("conv_in.weight", sharedFromDenoising), new("conv_in.bias", convBias)]);

        using var unet = Model();
        DenoisingUNetWeights.Load(unet, _dir, accelerated);
        var state = unet.state_dict();
        Assert.Equal(7f, state["conv_in.weight"][0, 0].item<float>());
        Assert.Equal(1f, state["motion_modules.weight"][1, 1].item<float>());
    }

    [Fact]
    public void Keys_the_model_lacks_fail_unless_the_official_leniency_is_asked_for_by_name()
    {
        using var w = ones(2, 2);
        using var b = ones(2);
        var files = DenoisingUNetWeights.Files(_dir, false);
        TorchZipWriter.Write(files[0], [new("motion_modules.weight", w), new("motion_modules.bias", b)]);
        TorchZipWriter.Write(files[1], [new("conv_in.weight", w), new("conv_in.bias", b), new("audio_projection.weight", w)]);

        using var unet = Model();
        var e = Assert.Throws<StateDictMismatchException>(() => DenoisingUNetWeights.Load(unet, _dir, false));
        Assert.Equal(["audio_projection.weight"], e.Unexpected);
        var report = DenoisingUNetWeights.Load(unet, _dir, false, officialLeniency: true);
        Assert.Equal(["audio_projection.weight"], report.IgnoredUnexpected);
    }

    [Fact]
    public void A_key_neither_file_supplies_is_named_instead_of_keeping_a_silent_value()
    {
        using var w = ones(2, 2);
        using var b = ones(2);
        var files = DenoisingUNetWeights.Files(_dir, false);
        TorchZipWriter.Write(files[0], [new("motion_modules.weight", w)]);
        TorchZipWriter.Write(files[1], [new("conv_in.weight", w), new("conv_in.bias", b)]);
        using var unet = Model();
        var e = Assert.Throws<StateDictMismatchException>(() => DenoisingUNetWeights.Load(unet, _dir, false, officialLeniency: true));
        Assert.Equal(["motion_modules.bias"], e.Missing);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
