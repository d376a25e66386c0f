using System.Text.Json;
using EchoMimic.Inference.Networks.Unet;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// Constructor arguments of the denoising UNet (<c>src/models/unet_3d_emo.py EMOUNet3DConditionModel</c>): the
/// sd-image-variations UNet config with 3-D block types plus <c>unet_additional_kwargs</c> of
/// <c>configs/inference/inference_v2.yaml</c>. <see cref="AttentionHeads"/> is <c>attention_head_dim</c> (number of
/// heads per level, SD1.5 convention); <see cref="CrossAttentionDim"/> is the audio token width (384 = whisper tiny).
/// </summary>
public sealed record EmoUNet3DConfig
{
    public int InChannels { get; init; } = 4;
    public int OutChannels { get; init; } = 4;
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [320, 640, 1280, 1280];
    public int LayersPerBlock { get; init; } = 2;
    public IReadOnlyList<int> AttentionHeads { get; init; } = [8, 8, 8, 8];
    public int NormNumGroups { get; init; } = 32;
    public double NormEps { get; init; } = 1e-5;
    public int CrossAttentionDim { get; init; } = 384;
    public bool FlipSinToCos { get; init; } = true;
    public double FreqShift { get; init; }
    public double MidBlockScaleFactor { get; init; } = 1.0;
    public IReadOnlyList<string> DownBlockTypes { get; init; } = ["CrossAttnDownBlock3D", "CrossAttnDownBlock3D", "CrossAttnDownBlock3D", "DownBlock3D"];
    public IReadOnlyList<string> UpBlockTypes { get; init; } = ["UpBlock3D", "CrossAttnUpBlock3D", "CrossAttnUpBlock3D", "CrossAttnUpBlock3D"];
    public bool UseMotionModule { get; init; } = true;
    public IReadOnlyList<int> MotionModuleResolutions { get; init; } = [1, 2, 4, 8];
    public bool MotionModuleMidBlock { get; init; } = true;
    public bool MotionModuleDecoderOnly { get; init; }
    public MotionModuleConfig MotionModule { get; init; } = MotionModuleConfig.Official;
    /// <summary>Adds <c>attn_temp</c>/<c>norm_temp</c> to the transformer blocks (weights only: the read-mode forward never runs them).</summary>
    public bool UnetUseTemporalAttention { get; init; }

    /// <summary>The denoising UNet of infer.py / infer_acc.py (inference_v2.yaml).</summary>
    public static readonly EmoUNet3DConfig Official = new();

    /// <summary>Builds the config from the official JSON kwargs (diffusers config names plus unet_additional_kwargs).</summary>
    public static EmoUNet3DConfig FromJson(JsonElement json)
    {
        var channels = UNetJson.IntList(json, "block_out_channels", Official.BlockOutChannels);
        UNetJson.RequireSupported(json);
        if (!UNetJson.Bool(json, "use_inflated_groupnorm", false))
            throw new NotSupportedException("use_inflated_groupnorm false (EchoMimicV2 always sets it; a 5-D GroupNorm would pool over frames)");
        if (UNetJson.String(json, "mid_block_type", "UNetMidBlock3DCrossAttn") != "UNetMidBlock3DCrossAttn")
            throw new NotSupportedException("mid block types other than UNetMidBlock3DCrossAttn");
        bool useMotion = UNetJson.Bool(json, "use_motion_module", false);
        if (useMotion && UNetJson.String(json, "motion_module_type", "Vanilla") != "Vanilla")
            throw new NotSupportedException("motion module types other than Vanilla");
        return new EmoUNet3DConfig
        {
            InChannels = UNetJson.Int(json, "in_channels", 4),
            OutChannels = UNetJson.Int(json, "out_channels", 4),
            BlockOutChannels = channels,
            LayersPerBlock = UNetJson.Int(json, "layers_per_block", 2),
            AttentionHeads = UNetJson.PerLevel(json, "attention_head_dim", channels.Count, 8),
            NormNumGroups = UNetJson.Int(json, "norm_num_groups", 32),
            NormEps = UNetJson.Double(json, "norm_eps", 1e-5),
            CrossAttentionDim = UNetJson.Int(json, "cross_attention_dim", 1280),
            FlipSinToCos = UNetJson.Bool(json, "flip_sin_to_cos", true),
            FreqShift = UNetJson.Double(json, "freq_shift", 0),
            MidBlockScaleFactor = UNetJson.Double(json, "mid_block_scale_factor", 1.0),
            DownBlockTypes = UNetJson.StringList(json, "down_block_types", Official.DownBlockTypes),
            UpBlockTypes = UNetJson.StringList(json, "up_block_types", Official.UpBlockTypes),
            UseMotionModule = useMotion,
            MotionModuleResolutions = UNetJson.IntList(json, "motion_module_resolutions", [1, 2, 4, 8]),
            MotionModuleMidBlock = UNetJson.Bool(json, "motion_module_mid_block", false),
            MotionModuleDecoderOnly = UNetJson.Bool(json, "motion_module_decoder_only", false),
            MotionModule = MotionModuleConfig.FromJson(json.TryGetProperty("motion_module_kwargs", out var mm) && mm.ValueKind == JsonValueKind.Object
                ? mm : JsonDocument.Parse("{}").RootElement),
            UnetUseTemporalAttention = UNetJson.Bool(json, "unet_use_temporal_attention", false),
        };
    }

    /// <summary>Whether down level <paramref name="level"/> has motion modules (official: res = 2^level in the resolutions).</summary>
    public bool DownLevelHasMotion(int level) =>
        UseMotionModule && !MotionModuleDecoderOnly && MotionModuleResolutions.Contains(1 << level);

    /// <summary>
    /// Whether up block <paramref name="index"/> has motion modules. The official constructor uses res = 2^(3 - i),
    /// hard-coded for 4 levels, so deeper or shallower UNets follow that formula, not the mirrored down level.
    /// </summary>
    public bool UpBlockHasMotion(int index) =>
        UseMotionModule && 3 - index >= 0 && MotionModuleResolutions.Contains(1 << (3 - index));
}
