namespace EchoMimic.Core.Jobs;

/// <summary>The spelling of <see cref="Precision"/> in job specs, command lines, settings and reports: fp32, bf16, fp16.</summary>
public static class PrecisionNames
{
    public static IReadOnlyList<string> All { get; } = ["fp32", "bf16", "fp16"];

    public static string Name(this Precision precision) => precision switch
    {
        Precision.Bf16 => "bf16",
        Precision.Fp16 => "fp16",
        _ => "fp32",
    };

    /// <summary>Parses fp32/bf16/fp16 (case-insensitive; float32, bfloat16 and float16 too); null when it is none of them.</summary>
    public static Precision? TryParse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => Precision.Fp32,
        "bf16" or "bfloat16" => Precision.Bf16,
        "fp16" or "float16" or "half" => Precision.Fp16,
        _ => null,
    };

    /// <summary>Parses or throws an <see cref="InputException"/> naming <paramref name="field"/>.</summary>
    public static Precision Parse(string text, string field) =>
        TryParse(text) ?? throw new InputException(field, $"'{text}' must be fp32, bf16 or fp16");
}
