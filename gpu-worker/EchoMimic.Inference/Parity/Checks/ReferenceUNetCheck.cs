using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.Torch;
using TorchSharp;
using EchoMimic.Inference.Networks.Unet;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>
/// <c>reference_unet</c> fixtures: the reference UNet built from <c>config.reference_unet</c>, loaded strictly, run
/// as the pipeline's write pass; outputs <c>bank.&lt;block path&gt;.&lt;i&gt;</c> and <c>sample</c>.
/// </summary>
public sealed class ReferenceUNetCheck : IPrecisionCheck
{
    public IReadOnlyCollection<string> Components => ["reference_unet"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture) => Run(fixture, Precision.Fp32);

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture, Precision precision)
    {
        var config = UNet2DConfig.FromJson(fixture.Config.GetProperty("reference_unet"));
        using var unet = new ReferenceUNet2D(config);
        unet.to(precision.ToScalarType());
        StateDictLoader.Load(unet, fixture.StateDict(), sourceName: fixture.Path);

        var bank = unet.NewBank();
        var sample = unet.forward(fixture.Input("ref_latents", precision), fixture.Input("timestep"), bank);
        var outputs = new Dictionary<string, Tensor> { ["sample"] = sample };
        foreach (var entry in bank.Entries)
            for (int i = 0; i < entry.Tensors.Count; i++)
                outputs[$"bank.{entry.Path}.{i}"] = entry.Tensors[i];
        return outputs;
    }
}
