using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.Torch;
using TorchSharp;
using EchoMimic.Inference.Networks.Unet3d;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>
/// <c>denoising_unet</c> fixtures: the denoising UNet built from <c>config.denoising_unet</c>, loaded strictly, called
/// with the fixture's latents, timestep, audio and pose features and the given reader bank
/// (<c>input.bank.&lt;reader block path&gt;.&lt;i&gt;</c>, float16, already CFG-duplicated); output <c>noise_pred</c>.
/// </summary>
public sealed class DenoisingUNetCheck : IPrecisionCheck
{
    public IReadOnlyCollection<string> Components => ["denoising_unet"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture) => Run(fixture, Precision.Fp32);

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture, Precision precision)
    {
        var config = EmoUNet3DConfig.FromJson(fixture.Config.GetProperty("denoising_unet"));
        using var unet = new EmoUNet3D(config);
        unet.to(precision.ToScalarType());
        StateDictLoader.Load(unet, fixture.StateDict(), sourceName: fixture.Path);

        var cfg = !fixture.Config.TryGetProperty("reference_control", out var control)
            || !control.TryGetProperty("do_classifier_free_guidance", out var flag) || flag.GetBoolean();
        var entries = new Dictionary<string, IReadOnlyList<Tensor>>(StringComparer.Ordinal);
        foreach (var block in unet.ReaderBlocks)
        {
            var tensors = new List<Tensor>();
            for (int i = 0; fixture.HasInput($"bank.{block.Path}.{i}"); i++) tensors.Add(fixture.Input($"bank.{block.Path}.{i}", precision));
            if (tensors.Count > 0) entries[block.Path] = tensors;
        }
        using var bank = new ReaderBank(entries, cfg);
        var noise = unet.forward(fixture.Input("latents", precision), fixture.Input("timestep"), fixture.Input("audio_cond_fea", precision),
            fixture.HasInput("face_musk_fea") ? fixture.Input("face_musk_fea", precision) : null, bank);
        return new Dictionary<string, Tensor> { ["noise_pred"] = noise };
    }
}
