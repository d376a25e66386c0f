namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// One row of a weights manifest: a <c>state_dict()</c> key of the official module at full size, its shape, dtype
/// as built, kind (<c>parameter</c> or persistent <c>buffer</c>) and the <c>pretrained_weights/</c> file carrying it.
/// </summary>
public sealed record ManifestKey(string Key, long[] Shape, string DType, string Kind, string Source)
{
    /// <summary>Where the key sits inside its file (whisper: <c>["model_state_dict", key]</c>); null means the root state dict.</summary>
    public IReadOnlyList<string>? PathInCheckpoint { get; init; }

    /// <summary>Whisper decoder keys: in tiny.pt and the official model, never used by EchoMimicV2.</summary>
    public bool IgnoredByEncoderOnly { get; init; }

    public long NumberOfElements => Shape.Aggregate(1L, (a, b) => a * b);
}
