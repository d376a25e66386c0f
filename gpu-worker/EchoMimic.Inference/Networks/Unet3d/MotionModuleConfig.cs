using System.Text.Json;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary><c>motion_module_kwargs</c> of <c>configs/inference/inference_v2.yaml</c> (VanillaTemporalModule arguments).</summary>
public sealed record MotionModuleConfig
{
    public int NumAttentionHeads { get; init; } = 8;
    public int NumTransformerBlock { get; init; } = 1;
    public IReadOnlyList<string> AttentionBlockTypes { get; init; } = ["Temporal_Self", "Temporal_Self"];
    public bool TemporalPositionEncoding { get; init; } = true;
    public int TemporalPositionEncodingMaxLen { get; init; } = 32;
    public int TemporalAttentionDimDiv { get; init; } = 1;

    public static readonly MotionModuleConfig Official = new();

    public static MotionModuleConfig FromJson(JsonElement json)
    {
        // Defaults of the VanillaTemporalModule constructor, for keys the config leaves out.
        var types = json.TryGetProperty("attention_block_types", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Select(e => e.GetString()!).ToArray()
            : ["Temporal_Self", "Temporal_Self"];
        foreach (var type in types)
            if (type != "Temporal_Self") throw new NotSupportedException($"motion module attention block type {type}");
        return new MotionModuleConfig
        {
            NumAttentionHeads = Int(json, "num_attention_heads", 8),
            NumTransformerBlock = Int(json, "num_transformer_block", 2),
            AttentionBlockTypes = types,
            TemporalPositionEncoding = json.TryGetProperty("temporal_position_encoding", out var p) && p.ValueKind == JsonValueKind.True,
            TemporalPositionEncodingMaxLen = Int(json, "temporal_position_encoding_max_len", 24),
            TemporalAttentionDimDiv = Int(json, "temporal_attention_dim_div", 1),
        };
    }

    private static int Int(JsonElement json, string name, int fallback) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : fallback;
}
