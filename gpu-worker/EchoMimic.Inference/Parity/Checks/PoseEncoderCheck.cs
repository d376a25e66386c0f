using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.Torch;
using TorchSharp;
using EchoMimic.Inference.Networks.PoseEncoding;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>Fixture component <c>pose_encoder</c>: <c>PoseEncoder.forward(conditioning)</c>.</summary>
public sealed class PoseEncoderCheck : IPrecisionCheck
{
    public IReadOnlyCollection<string> Components => ["pose_encoder"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture) => Run(fixture, Precision.Fp32);

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture, Precision precision)
    {
        using var encoder = new PoseEncoder(PoseEncoderConfig.FromJson(fixture.Config));
        encoder.to(precision.ToScalarType());
        StateDictLoader.Load(encoder, fixture.StateDict(), sourceName: fixture.Path);
        encoder.eval();
        using var _ = no_grad();
        return new Dictionary<string, Tensor> { ["embedding"] = encoder.forward(fixture.Input("conditioning", precision)) };
    }
}
