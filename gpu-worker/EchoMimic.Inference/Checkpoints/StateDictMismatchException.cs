namespace EchoMimic.Inference.Checkpoints;

/// <summary>Thrown when a checkpoint does not fit a module; lists every missing, unexpected and mis-shaped key.</summary>
public sealed class StateDictMismatchException(string message, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misshaped)
    : Exception(message)
{
    public IReadOnlyList<string> Missing { get; } = missing;
    public IReadOnlyList<string> Unexpected { get; } = unexpected;
    public IReadOnlyList<string> Misshaped { get; } = misshaped;
}
