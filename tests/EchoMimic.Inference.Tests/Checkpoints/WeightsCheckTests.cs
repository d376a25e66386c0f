using EchoMimic.Core;
using EchoMimic.Inference.Checkpoints;

namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary><c>echomimic weights check</c> on synthetic full-layout folders built from the embedded manifests.</summary>
public sealed class WeightsCheckTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Complete_folder_passes_for_its_file_set(bool accelerated)
    {
        using var folder = SyntheticWeightsFolder.Complete(accelerated);
        var report = WeightsCheck.Run(folder.Root, accelerated);
        Assert.True(report.Passed, string.Join(Environment.NewLine, report.Lines()));
        var denoising = report.Files.Single(f => f.RelativePath.StartsWith("denoising_unet", StringComparison.Ordinal));
        Assert.Equal(accelerated ? "denoising_unet_acc.pth" : "denoising_unet.pth", denoising.RelativePath);
        Assert.Equal(686, denoising.KeyCount);
        Assert.Equal(["float32"], denoising.DTypes);
        Assert.Equal(["float16"], report.Files.Single(f => f.RelativePath == "audio_processor/tiny.pt").DTypes);
        Assert.False(report.Files.Single(f => f.RelativePath.StartsWith(WeightsCheck.ImageVariationsFolder, StringComparison.Ordinal)).Exists);

        var other = WeightsCheck.Run(folder.Root, !accelerated);
        Assert.False(other.Passed);
        Assert.Equal(2, other.Files.Count(f => f.Status == "MISSING"));
    }

    [Fact]
    public void Missing_unexpected_and_misshaped_keys_are_each_named()
    {
        using var folder = SyntheticWeightsFolder.Complete();
        var rows = WeightsManifest.Load("pose_encoder").Keys.ToList();
        var dropped = rows[3];
        var reshaped = rows[5];
        var edited = rows.Where(r => r != dropped)
            .Select(r => r == reshaped ? r with { Shape = [.. r.Shape.Select(s => s + 1)] } : r)
            .Append(new ManifestKey("conv_extra.weight", [2, 2], "float32", "parameter", "pose_encoder.pth"));
        folder.Write("pose_encoder.pth", edited);

        var report = WeightsCheck.Run(folder.Root, accelerated: false);
        Assert.False(report.Passed);
        var pose = report.Files.Single(f => f.RelativePath == "pose_encoder.pth");
        Assert.Equal("FAIL", pose.Status);
        Assert.Equal([dropped.Key], pose.MissingKeys);
        Assert.Equal(["conv_extra.weight"], pose.UnexpectedKeys);
        Assert.Single(pose.MisshapedKeys);
        Assert.StartsWith(reshaped.Key + " [", pose.MisshapedKeys[0]);
        Assert.All(report.Files.Where(f => f != pose), f => Assert.True(f.Passed, f.RelativePath));
        Assert.Contains(report.Lines(), l => l.Contains("missing: " + dropped.Key, StringComparison.Ordinal));
    }

    [Fact]
    public void A_motion_key_in_denoising_unet_pth_is_unexpected_and_says_where_the_manifest_puts_it()
    {
        using var folder = SyntheticWeightsFolder.Complete();
        var manifest = WeightsManifest.Load("denoising_unet");
        var motion = manifest.FromSource("motion_module.pth").First();
        folder.Write("denoising_unet.pth", manifest.FromSource("denoising_unet.pth").Append(motion));
        var file = WeightsCheck.Run(folder.Root, false).Files.Single(f => f.RelativePath == "denoising_unet.pth");
        Assert.Equal([$"{motion.Key} (the manifest attributes it to motion_module.pth)"], file.UnexpectedKeys);
    }

    [Fact]
    public void Whisper_decoder_keys_may_be_absent_but_encoder_keys_may_not()
    {
        using var folder = SyntheticWeightsFolder.Complete();
        var whisper = WeightsManifest.Load("whisper_tiny").Keys;
        folder.Write("audio_processor/tiny.pt", whisper.Where(k => !k.IgnoredByEncoderOnly), stateDictKey: "model_state_dict");
        var file = WeightsCheck.Run(folder.Root, false).Files.Single(f => f.RelativePath == "audio_processor/tiny.pt");
        Assert.True(file.Passed);
        Assert.Equal(whisper.Count(k => k.IgnoredByEncoderOnly), file.MissingUnusedKeys.Count);

        var encoderKey = whisper.First(k => !k.IgnoredByEncoderOnly);
        folder.Write("audio_processor/tiny.pt", whisper.Where(k => k != encoderKey), stateDictKey: "model_state_dict");
        file = WeightsCheck.Run(folder.Root, false).Files.Single(f => f.RelativePath == "audio_processor/tiny.pt");
        Assert.Equal([encoderKey.Key], file.MissingKeys);
    }

    [Fact]
    public void Missing_files_are_reported_missing_and_the_check_fails()
    {
        using var folder = SyntheticWeightsFolder.Complete();
        File.Delete(Path.Combine(folder.Root, "motion_module.pth"));
        File.Delete(Path.Combine(folder.Root, "sd-vae-ft-mse", "diffusion_pytorch_model.bin"));
        var report = WeightsCheck.Run(folder.Root, false);
        Assert.False(report.Passed);
        Assert.Equal("MISSING", report.Files.Single(f => f.RelativePath == "motion_module.pth").Status);
        Assert.Contains(report.Files, f => f.RelativePath.StartsWith("sd-vae-ft-mse/diffusion_pytorch_model", StringComparison.Ordinal) && f.Status == "MISSING");
    }

    [Fact]
    public void A_folder_that_does_not_exist_is_an_input_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-weights-" + Guid.NewGuid());
        var e = Assert.Throws<InputException>(() => WeightsCheck.Run(missing, false));
        Assert.Contains(missing, e.Message);
    }
}
