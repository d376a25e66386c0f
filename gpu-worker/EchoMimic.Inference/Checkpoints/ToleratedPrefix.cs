namespace EchoMimic.Inference.Checkpoints;

/// <summary>Which differences between a checkpoint and a module a <see cref="ToleratedPrefix"/> accepts.</summary>
[Flags]
public enum ToleratedDifference
{
    /// <summary>A module key under the prefix that the checkpoint does not supply keeps its current value.</summary>
    Missing = 1,

    /// <summary>A checkpoint key under the prefix that the module does not have is read and discarded.</summary>
    Unexpected = 2,

    MissingOrUnexpected = Missing | Unexpected,
}

/// <summary>
/// A key prefix whose differences loading tolerates, with the reason (shown in load reports and docs). Wrong shapes
/// are never tolerated: PyTorch's <c>load_state_dict</c> raises on them even with strict=False.
/// </summary>
public sealed record ToleratedPrefix(string Prefix, string Reason, ToleratedDifference Allows = ToleratedDifference.MissingOrUnexpected)
{
    public bool Tolerates(string key, ToleratedDifference difference) =>
        (Allows & difference) != 0 && key.StartsWith(Prefix, StringComparison.Ordinal);
}
