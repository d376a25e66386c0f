using System.Text.RegularExpressions;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// The VAE mid-block attention under the names diffusers used before 0.15 (<c>query</c>, <c>key</c>, <c>value</c>,
/// <c>proj_attn</c>), which sd-vae-ft-mse's files still use. diffusers renames them on load
/// (modeling_utils.py <c>ModelMixin._convert_deprecated_attention_blocks</c>) to <c>to_q</c>, <c>to_k</c>,
/// <c>to_v</c>, <c>to_out.0</c>; <c>group_norm</c> keeps its name. Shapes are the same Linear shapes; a 1x1 conv
/// weight (C, C, 1, 1), as the original LDM attention stored it, is flattened to (C, C) the way diffusers'
/// conversion script (<c>conv_attn_to_linear</c>) does.
/// </summary>
public static partial class LegacyAttentionNames
{
    [GeneratedRegex(@"^(?<block>.*\.attentions\.\d+)\.(?<name>query|key|value|proj_attn)\.(?<param>weight|bias)$")]
    private static partial Regex LegacyKey();

    /// <summary>The current name of a legacy key, or null when the key is not a legacy attention key.</summary>
    public static string? Rename(string key)
    {
        var m = LegacyKey().Match(key);
        if (!m.Success) return null;
        var name = m.Groups["name"].Value switch
        {
            "query" => "to_q",
            "key" => "to_k",
            "value" => "to_v",
            _ => "to_out.0",
        };
        return $"{m.Groups["block"].Value}.{name}.{m.Groups["param"].Value}";
    }

    /// <summary>Renames legacy keys in a lazy state dict; a 1x1-conv weight becomes the Linear weight it is.</summary>
    public static IEnumerable<KeyValuePair<string, LazyTensor>> Apply(IEnumerable<KeyValuePair<string, LazyTensor>> stateDict)
    {
        foreach (var (key, tensor) in stateDict)
        {
            var renamed = Rename(key);
            if (renamed is null) { yield return new(key, tensor); continue; }
            var t = tensor;
            if (t.Shape.Length == 4 && t.Shape[2] == 1 && t.Shape[3] == 1)
                t = new LazyTensor(t.Storage, t.StorageOffset, t.Shape[..2], t.Stride[..2], t.RequiresGrad);
            yield return new(renamed, t);
        }
    }
}
