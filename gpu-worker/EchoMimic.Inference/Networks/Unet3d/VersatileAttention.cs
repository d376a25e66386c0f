using EchoMimic.Inference.Networks.Unet;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// The motion modules' "Temporal_Self" attention (<c>VersatileAttention</c>): a diffusers <c>Attention</c> plus
/// <c>pos_encoder</c>. Takes tokens already laid out as ((b h w), f, C), so every pixel attends over the frames of its
/// own batch row; the official class does the ((b f), d, c) -> ((b d), f, c) rearrangement itself, which
/// <see cref="TemporalTransformer3DModel"/> does once for all its attentions instead.
/// </summary>
public sealed class VersatileAttention : Attention
{
    private readonly PositionalEncoding? _posEncoder;

    public VersatileAttention(int dim, int heads, int dimHead, bool temporalPositionEncoding, int maxLength, Device? device = null) : base(dim, heads, dimHead, device: device)
    {
        if (temporalPositionEncoding)
        {
            _posEncoder = new PositionalEncoding(dim, maxLength, device: device);
            register_module("pos_encoder", _posEncoder);
        }
    }

    /// <summary>Self-attention over frames: x (N, f, C), positions added to the (already normalised) input first.</summary>
    public Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var input = _posEncoder is null ? x : _posEncoder.forward(x);
        return base.forward(input).MoveToOuterDisposeScope();
    }
}
