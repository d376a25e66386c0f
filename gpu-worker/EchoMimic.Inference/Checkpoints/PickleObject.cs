namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// An object a pickle built from a callable this reader does not interpret (anything but the containers and
/// torch rebuild functions <c>torch.save</c> uses); kept so a caller can still see what was there.
/// </summary>
public sealed class PickleObject(PickleGlobal type, object?[] arguments)
{
    public PickleGlobal Type { get; } = type;
    public IReadOnlyList<object?> Arguments { get; } = arguments;
    public object? State { get; internal set; }
    public override string ToString() => $"{Type}(...)";
}
