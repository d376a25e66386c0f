using System.Text.Json;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>Readers for diffusers UNet config JSON (ints that may be per-level lists, optional keys with defaults).</summary>
internal static class UNetJson
{
    public static int Int(JsonElement json, string name, int fallback) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : fallback;

    public static double Double(JsonElement json, string name, double fallback) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;

    public static bool Bool(JsonElement json, string name, bool fallback) =>
        json.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    public static string String(JsonElement json, string name, string fallback) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : fallback;

    public static IReadOnlyList<int> IntList(JsonElement json, string name, IReadOnlyList<int> fallback) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(e => e.GetInt32()).ToArray() : fallback;

    public static IReadOnlyList<string> StringList(JsonElement json, string name, IReadOnlyList<string> fallback) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(e => e.GetString()!).ToArray() : fallback;

    /// <summary>An int applied to every level, or a list with one value per level (diffusers accepts both).</summary>
    public static IReadOnlyList<int> PerLevel(JsonElement json, string name, int levels, int fallback)
    {
        if (!json.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return Enumerable.Repeat(fallback, levels).ToArray();
        if (v.ValueKind == JsonValueKind.Number) return Enumerable.Repeat(v.GetInt32(), levels).ToArray();
        var list = v.EnumerateArray().Select(e => e.GetInt32()).ToArray();
        if (list.Length != levels) throw new NotSupportedException($"UNet config `{name}` has {list.Length} entries for {levels} levels");
        return list;
    }

    /// <summary>Rejects config values that change the architecture in ways this implementation does not build.</summary>
    public static void RequireSupported(JsonElement json)
    {
        if (String(json, "act_fn", "silu") != "silu") throw new NotSupportedException("UNet act_fn other than silu");
        if (Bool(json, "use_linear_projection", false)) throw new NotSupportedException("UNet use_linear_projection");
        if (Bool(json, "center_input_sample", false)) throw new NotSupportedException("UNet center_input_sample");
        if (json.TryGetProperty("num_attention_heads", out var heads) && heads.ValueKind != JsonValueKind.Null)
            throw new NotSupportedException("UNet num_attention_heads (the official configs use attention_head_dim as the head count)");
    }
}
