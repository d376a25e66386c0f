namespace EchoMimic.Inference.Checkpoints;

/// <summary>A <c>GLOBAL</c> reference ("module\nname") of a pickle, e.g. <c>collections.OrderedDict</c>.</summary>
public sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
    public override string ToString() => FullName;
}
