using System.Text.Json;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// Constructor arguments of the reference UNet (<c>src/models/unet_2d_condition.py UNet2DConditionModel</c>), in
/// the official config's terms. <see cref="AttentionHeads"/> is the config's <c>attention_head_dim</c>, which in the
/// SD1.5 convention is the NUMBER of heads per level (head width = channels / heads).
/// </summary>
public sealed record UNet2DConfig
{
    public int InChannels { get; init; } = 4;
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [320, 640, 1280, 1280];
    /// <summary>Resnets per down level (one more per up level), per level.</summary>
    public IReadOnlyList<int> LayersPerBlock { get; init; } = [2, 2, 2, 2];
    /// <summary>Heads per level (config <c>attention_head_dim</c>, SD1.5 convention).</summary>
    public IReadOnlyList<int> AttentionHeads { get; init; } = [8, 8, 8, 8];
    public int NormNumGroups { get; init; } = 32;
    public double NormEps { get; init; } = 1e-5;
    /// <summary>Config value only: the reference UNet's transformer blocks have no cross-attention, so no weight uses it.</summary>
    public int CrossAttentionDim { get; init; } = 768;
    public bool FlipSinToCos { get; init; } = true;
    public double FreqShift { get; init; }
    public double MidBlockScaleFactor { get; init; } = 1.0;
    public IReadOnlyList<string> DownBlockTypes { get; init; } = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"];
    public IReadOnlyList<string> UpBlockTypes { get; init; } = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"];
    public string MidBlockType { get; init; } = "UNetMidBlock2DCrossAttn";

    /// <summary>sd-image-variations-diffusers/unet, the reference UNet of EchoMimicV2.</summary>
    public static readonly UNet2DConfig Official = new();

    public int Levels => BlockOutChannels.Count;

    /// <summary>Builds the config from the official JSON kwargs (diffusers <c>config.json</c> names).</summary>
    public static UNet2DConfig FromJson(JsonElement json)
    {
        var channels = UNetJson.IntList(json, "block_out_channels", Official.BlockOutChannels);
        int levels = channels.Count;
        var config = new UNet2DConfig
        {
            InChannels = UNetJson.Int(json, "in_channels", 4),
            BlockOutChannels = channels,
            LayersPerBlock = UNetJson.PerLevel(json, "layers_per_block", levels, 2),
            AttentionHeads = UNetJson.PerLevel(json, "attention_head_dim", levels, 8),
            NormNumGroups = UNetJson.Int(json, "norm_num_groups", 32),
            NormEps = UNetJson.Double(json, "norm_eps", 1e-5),
            CrossAttentionDim = UNetJson.Int(json, "cross_attention_dim", 768),
            FlipSinToCos = UNetJson.Bool(json, "flip_sin_to_cos", true),
            FreqShift = UNetJson.Double(json, "freq_shift", 0),
            MidBlockScaleFactor = UNetJson.Double(json, "mid_block_scale_factor", 1.0),
            DownBlockTypes = UNetJson.StringList(json, "down_block_types", Official.DownBlockTypes),
            UpBlockTypes = UNetJson.StringList(json, "up_block_types", Official.UpBlockTypes),
            MidBlockType = UNetJson.String(json, "mid_block_type", "UNetMidBlock2DCrossAttn"),
        };
        UNetJson.RequireSupported(json);
        return config;
    }
}
