using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Torch;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>A fixture's inputs for a run in some precision: floating inputs cast to it, others (and every fp32 run) as stored.</summary>
internal static class PrecisionInputs
{
    public static Tensor Input(this Fixture fixture, string name, Precision precision)
    {
        var tensor = fixture.Input(name);
        return precision == Precision.Fp32 || !tensor.is_floating_point() ? tensor : tensor.to_type(precision.ToScalarType());
    }
}
