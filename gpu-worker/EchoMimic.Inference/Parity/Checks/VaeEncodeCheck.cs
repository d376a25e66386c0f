using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.Torch;
using TorchSharp;
using EchoMimic.Inference.Networks.Vae;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>Fixture component <c>vae_encode</c>: <c>vae.encode(sample).latent_dist</c> mean, logvar and std.</summary>
public sealed class VaeEncodeCheck : IPrecisionCheck
{
    // The fixture stores only the keys the encode call uses (fixtures/networks/README.md).
    private static readonly ToleratedPrefix[] Unused =
    [
        new("decoder.", "vae_encode fixtures store only encoder.* and quant_conv.*"),
        new("post_quant_conv.", "vae_encode fixtures store only encoder.* and quant_conv.*"),
    ];

    public IReadOnlyCollection<string> Components => ["vae_encode"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture) => Run(fixture, Precision.Fp32);

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture, Precision precision)
    {
        using var vae = new AutoencoderKL(VaeConfig.FromJson(fixture.Config));
        vae.to(precision.ToScalarType());
        StateDictLoader.Load(vae, fixture.StateDict(), Unused, fixture.Path);
        vae.eval();
        using var _ = no_grad();
        var posterior = vae.Encode(fixture.Input("sample", precision));
        return new Dictionary<string, Tensor> { ["mean"] = posterior.Mean, ["logvar"] = posterior.LogVar, ["std"] = posterior.Std };
    }
}
