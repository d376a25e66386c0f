using System.Text.Json;

namespace EchoMimic.Inference.Parity;

/// <summary>The pass rule of fixtures/FORMAT.md: |a - e| &lt;= atol + rtol |e|, with a share of failures allowed.</summary>
public sealed record Tolerance(double Atol, double Rtol, double MaxMismatchFraction)
{
    public static Tolerance FromJson(JsonElement entry) => new(
        entry.TryGetProperty("atol", out var a) ? a.GetDouble() : 0,
        entry.TryGetProperty("rtol", out var r) ? r.GetDouble() : 0,
        entry.TryGetProperty("max_mismatch_fraction", out var m) ? m.GetDouble() : 0);
}
