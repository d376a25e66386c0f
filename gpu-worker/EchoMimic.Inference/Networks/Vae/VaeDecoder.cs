using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Vae;

/// <summary>
/// diffusers <c>Decoder</c> (group norm): <c>conv_in</c> -> <c>mid_block</c> -> <c>up_blocks</c> (widths reversed,
/// layers_per_block + 1 resnets each) -> <c>conv_norm_out</c> -> SiLU -> <c>conv_out</c>.
/// </summary>
public sealed class VaeDecoder : ExplicitModule<Tensor, Tensor>
{
    private readonly Conv2d _convIn;
    private readonly VaeMidBlock _midBlock;
    private readonly ModuleList<UpDecoderBlock2D> _upBlocks;
    private readonly GroupNorm _convNormOut;
    private readonly Conv2d _convOut;

    public VaeDecoder(VaeConfig config, Device? device) : base(nameof(VaeDecoder))
    {
        var reversed = config.BlockOutChannels.Reverse().ToArray();
        _convIn = nn.Conv2d(config.LatentChannels, reversed[0], 3, padding: 1, device: device);
        _midBlock = new VaeMidBlock(reversed[0], config.NormNumGroups, config.MidBlockAddAttention, device);
        _upBlocks = new ModuleList<UpDecoderBlock2D>();
        long channels = reversed[0];
        for (int i = 0; i < reversed.Length; i++)
        {
            _upBlocks.Add(new UpDecoderBlock2D(channels, reversed[i], config.LayersPerBlock + 1, config.NormNumGroups, addUpsample: i < reversed.Length - 1, device));
            channels = reversed[i];
        }
        _convNormOut = nn.GroupNorm(config.NormNumGroups, reversed[^1], VaeResnetBlock.Eps, device: device);
        _convOut = nn.Conv2d(reversed[^1], config.OutChannels, 3, padding: 1, device: device);
        register_module("conv_in", _convIn);
        register_module("up_blocks", _upBlocks);
        register_module("mid_block", _midBlock);
        register_module("conv_norm_out", _convNormOut);
        register_module("conv_out", _convOut);
    }

    public override Tensor forward(Tensor latents)
    {
        using var scope = NewDisposeScope();
        var x = _convIn.forward(latents);
        x = _midBlock.forward(x);
        foreach (var block in _upBlocks) x = block.forward(x);
        x = _convOut.forward(nn.functional.silu(_convNormOut.forward(x)));
        return x.MoveToOuterDisposeScope();
    }
}
