using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.Networks.Vae;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>Fixture component <c>vae_decode</c>: <c>vae.decode(latents).sample</c>, unclamped.</summary>
public sealed class VaeDecodeCheck : IComponentCheck
{
    // The fixture stores only the keys the decode call uses (fixtures/networks/README.md).
    private static readonly ToleratedPrefix[] Unused =
    [
        new("encoder.", "vae_decode fixtures store only post_quant_conv.* and decoder.*"),
        new("quant_conv.", "vae_decode fixtures store only post_quant_conv.* and decoder.*"),
    ];

    public IReadOnlyCollection<string> Components => ["vae_decode"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture)
    {
        using var vae = new AutoencoderKL(VaeConfig.FromJson(fixture.Config));
        StateDictLoader.Load(vae, fixture.StateDict(), Unused, fixture.Path);
        vae.eval();
        using var _ = no_grad();
        return new Dictionary<string, Tensor> { ["sample"] = vae.Decode(fixture.Input("latents")) };
    }
}
