using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity;

/// <summary>
/// Runs one fixture component with our implementation. Implementations are discovered by reflection
/// (public, parameterless constructor), so adding a component is adding one class.
/// </summary>
public interface IComponentCheck
{
    /// <summary>The fixture <c>component</c> metadata values this check handles.</summary>
    IReadOnlyCollection<string> Components { get; }

    /// <summary>Computes every output the fixture lists, by output name, from its config, params and inputs.</summary>
    IReadOnlyDictionary<string, Tensor> Run(Fixture fixture);
}
