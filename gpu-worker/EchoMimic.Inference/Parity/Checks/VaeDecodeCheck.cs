using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.Torch;
using TorchSharp;
using EchoMimic.Inference.Networks.Vae;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>Fixture component <c>vae_decode</c>: <c>vae.decode(latents).sample</c>, unclamped.</summary>
public sealed class VaeDecodeCheck : IPrecisionCheck
{
    // The fixture stores only the keys the decode call uses (fixtures/networks/README.md).
    private static readonly ToleratedPrefix[] Unused =
    [
        new("encoder.", "vae_decode fixtures store only post_quant_conv.* and decoder.*"),
        new("quant_conv.", "vae_decode fixtures store only post_quant_conv.* and decoder.*"),
    ];

    public IReadOnlyCollection<string> Components => ["vae_decode"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture) => Run(fixture, Precision.Fp32);

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture, Precision precision)
    {
        using var vae = new AutoencoderKL(VaeConfig.FromJson(fixture.Config));
        vae.to(precision.ToScalarType());
        StateDictLoader.Load(vae, fixture.StateDict(), Unused, fixture.Path);
        vae.eval();
        using var _ = no_grad();
        return new Dictionary<string, Tensor> { ["sample"] = vae.Decode(fixture.Input("latents", precision)) };
    }
}
