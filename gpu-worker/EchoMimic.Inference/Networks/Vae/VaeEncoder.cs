using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Vae;

/// <summary>
/// diffusers <c>Encoder</c> (double_z): <c>conv_in</c> -> <c>down_blocks</c> -> <c>mid_block</c> ->
/// <c>conv_norm_out</c> -> SiLU -> <c>conv_out</c> to 2 x latent channels (mean and logvar moments).
/// </summary>
public sealed class VaeEncoder : ExplicitModule<Tensor, Tensor>
{
    private readonly Conv2d _convIn;
    private readonly ModuleList<DownEncoderBlock2D> _downBlocks;
    private readonly VaeMidBlock _midBlock;
    private readonly GroupNorm _convNormOut;
    private readonly Conv2d _convOut;

    public VaeEncoder(VaeConfig config, Device? device) : base(nameof(VaeEncoder))
    {
        var widths = config.BlockOutChannels;
        _convIn = nn.Conv2d(config.InChannels, widths[0], 3, padding: 1, device: device);
        _downBlocks = new ModuleList<DownEncoderBlock2D>();
        long channels = widths[0];
        for (int i = 0; i < widths.Length; i++)
        {
            _downBlocks.Add(new DownEncoderBlock2D(channels, widths[i], config.LayersPerBlock, config.NormNumGroups, addDownsample: i < widths.Length - 1, device));
            channels = widths[i];
        }
        _midBlock = new VaeMidBlock(widths[^1], config.NormNumGroups, config.MidBlockAddAttention, device);
        _convNormOut = nn.GroupNorm(config.NormNumGroups, widths[^1], VaeResnetBlock.Eps, device: device);
        _convOut = nn.Conv2d(widths[^1], 2 * config.LatentChannels, 3, padding: 1, device: device);
        register_module("conv_in", _convIn);
        register_module("down_blocks", _downBlocks);
        register_module("mid_block", _midBlock);
        register_module("conv_norm_out", _convNormOut);
        register_module("conv_out", _convOut);
    }

    public override Tensor forward(Tensor sample)
    {
        using var scope = NewDisposeScope();
        var x = _convIn.forward(sample);
        foreach (var block in _downBlocks) x = block.forward(x);
        x = _midBlock.forward(x);
        x = _convOut.forward(nn.functional.silu(_convNormOut.forward(x)));
        return x.MoveToOuterDisposeScope();
    }
}
