namespace EchoMimic.Inference.Networks.Vae;

/// <summary>
/// Constructor arguments of diffusers' <c>AutoencoderKL</c> (the keys of a diffusers <c>config.json</c>).
/// Only <c>DownEncoderBlock2D</c>/<c>UpDecoderBlock2D</c> blocks and the group-norm decoder exist in the SD VAEs.
/// <c>sample_size</c> (an int or a pair in diffusers configs) only sizes diffusers' tiling and is not read.
/// </summary>
public sealed record VaeConfig
{
    public int InChannels { get; init; } = 3;
    public int OutChannels { get; init; } = 3;
    public string[] DownBlockTypes { get; init; } = ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"];
    public string[] UpBlockTypes { get; init; } = ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"];
    public int[] BlockOutChannels { get; init; } = [128, 256, 512, 512];
    public int LayersPerBlock { get; init; } = 2;
    public string ActFn { get; init; } = "silu";
    public int LatentChannels { get; init; } = 4;
    public int NormNumGroups { get; init; } = 32;
    public double ScalingFactor { get; init; } = 0.18215;
    public bool UseQuantConv { get; init; } = true;
    public bool UsePostQuantConv { get; init; } = true;
    public bool MidBlockAddAttention { get; init; } = true;

    /// <summary><c>sd-vae-ft-mse/config.json</c> with diffusers 0.31 defaults for the fields it omits.</summary>
    public static readonly VaeConfig Official = new();

    public static VaeConfig FromJson(System.Text.Json.JsonElement json) => ModuleConfigJson.Read<VaeConfig>(json).Validated();

    /// <summary>Rejects configs this implementation would silently build differently from diffusers.</summary>
    public VaeConfig Validated()
    {
        if (DownBlockTypes.Any(t => t != "DownEncoderBlock2D") || UpBlockTypes.Any(t => t != "UpDecoderBlock2D"))
            throw new NotSupportedException($"AutoencoderKL block types [{string.Join(",", DownBlockTypes)}] / [{string.Join(",", UpBlockTypes)}]: only DownEncoderBlock2D/UpDecoderBlock2D are implemented");
        if (ActFn != "silu") throw new NotSupportedException($"AutoencoderKL act_fn '{ActFn}': only silu is implemented");
        if (DownBlockTypes.Length != BlockOutChannels.Length || UpBlockTypes.Length != BlockOutChannels.Length)
            throw new InvalidDataException("AutoencoderKL config: block type lists and block_out_channels differ in length");
        return this;
    }
}
