namespace EchoMimic.Inference.Checkpoints;

/// <summary>The check of one expected file of a <c>pretrained_weights/</c> folder.</summary>
public sealed record WeightFileReport(string RelativePath, string Module, bool Required)
{
    public bool Exists { get; init; }
    public long? SizeBytes { get; init; }

    /// <summary>Distinct tensor dtypes in the file (<c>float32</c>, <c>float16</c> ...).</summary>
    public IReadOnlyList<string> DTypes { get; init; } = [];
    public int KeyCount { get; init; }

    /// <summary>False for a file present but not loaded (the .bin next to a preferred .safetensors).</summary>
    public bool Used { get; init; } = true;

    /// <summary>Manifest rows of this file's source that the file lacks and the model needs.</summary>
    public IReadOnlyList<string> MissingKeys { get; init; } = [];

    /// <summary>Rows the file lacks that are never used (whisper decoder), reported but not a failure.</summary>
    public IReadOnlyList<string> MissingUnusedKeys { get; init; } = [];

    /// <summary>File keys that are not rows of this file's source (with the source that lists them, if any).</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; init; } = [];
    public IReadOnlyList<string> MisshapedKeys { get; init; } = [];
    public string? Error { get; init; }
    public string? Note { get; init; }

    public bool Passed => Error is null && (Exists || !Required) && MissingKeys.Count == 0 && UnexpectedKeys.Count == 0 && MisshapedKeys.Count == 0;

    public string Status => !Exists ? (Required ? "MISSING" : "ABSENT") : Passed ? "OK" : "FAIL";
}
