using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.PoseEncoding;

/// <summary>
/// The official pose encoder (<c>src/models/pose_encoder.py PoseEncoder</c>): pose maps (b, 3, f, h, w) in [0, 1]
/// -> pose features (b, emb, f, h/8, w/8) that the denoising UNet adds to its <c>conv_in</c> output.
/// State keys: <c>conv_in.*</c>, <c>blocks.0..2n-1.*</c>, <c>conv_out.*</c>.
/// </summary>
public sealed class PoseEncoder : ExplicitModule<Tensor, Tensor>
{
    private readonly Conv2d _convIn;
    private readonly ModuleList<Conv2d> _blocks;
    private readonly Conv2d _convOut;

    public PoseEncoderConfig Config { get; }

    /// <param name="config">Module configuration (<see cref="PoseEncoderConfig.Official"/> for the real weights).</param>
    /// <param name="device">Where parameters are created; <c>torch.META</c> builds the layout without allocating.</param>
    public PoseEncoder(PoseEncoderConfig config, Device? device = null) : base(nameof(PoseEncoder))
    {
        Config = config;
        var widths = config.BlockOutChannels;
        _convIn = nn.Conv2d(config.ConditioningChannels, widths[0], 3, padding: 1, device: device);
        _blocks = new ModuleList<Conv2d>();
        for (int i = 0; i < widths.Length - 1; i++)
        {
            _blocks.Add(nn.Conv2d(widths[i], widths[i], 3, padding: 1, device: device));
            _blocks.Add(nn.Conv2d(widths[i], widths[i + 1], 3, stride: 2, padding: 1, device: device));
        }
        // Officially zero-initialised (zero_module); the trained checkpoint overwrites it.
        _convOut = nn.Conv2d(widths[^1], config.ConditioningEmbeddingChannels, 3, padding: 1, device: device);
        if (device?.type != DeviceType.META)
            using (no_grad()) { _convOut.weight!.zero_(); _convOut.bias!.zero_(); }

        register_module("conv_in", _convIn);
        register_module("blocks", _blocks);
        register_module("conv_out", _convOut);
    }

    /// <summary>Encodes pose maps (b, c, f, h, w) into pose features (b, emb, f, ceil(h/8), ceil(w/8)).</summary>
    public override Tensor forward(Tensor conditioning)
    {
        if (conditioning.dim() != 5) throw new ArgumentException($"pose maps must be (b, c, f, h, w), got [{string.Join(",", conditioning.shape)}]");
        using var scope = NewDisposeScope();
        long b = conditioning.shape[0], f = conditioning.shape[2];
        // Every official conv is an InflatedConv3d (a 2-D conv per frame) and SiLU is pointwise, so folding the frames
        // into the batch once, for the whole stack, is the same computation as folding around each conv.
        var x = conditioning.to_type(_convIn.weight!.dtype).permute(0, 2, 1, 3, 4).reshape(b * f, conditioning.shape[1], conditioning.shape[3], conditioning.shape[4]);
        x = nn.functional.silu(_convIn.forward(x));
        foreach (var block in _blocks) x = nn.functional.silu(block.forward(x));
        x = _convOut.forward(x);
        var y = x.reshape(b, f, x.shape[1], x.shape[2], x.shape[3]).permute(0, 2, 1, 3, 4).contiguous();
        return y.MoveToOuterDisposeScope();
    }
}
