using EchoMimic.Core.Jobs;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity;

/// <summary>
/// A check whose component runs networks that the engine can run in half precision. <see cref="Run(Fixture, Precision)"/>
/// builds the module, casts it to the precision before its weights are copied in (each tensor converts on copy),
/// casts the floating inputs as the official bf16 measurement did, and returns the outputs in the module's dtype.
/// At <see cref="Precision.Fp32"/> it is exactly <see cref="IComponentCheck.Run"/>.
/// </summary>
public interface IPrecisionCheck : IComponentCheck
{
    IReadOnlyDictionary<string, Tensor> Run(Fixture fixture, Precision precision);
}
