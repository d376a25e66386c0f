using EchoMimic.Inference.Networks.Unet;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// Motion-module <c>TemporalTransformerBlock</c>: for each attention k, x = attention_blocks[k](norms[k](x)) + x;
/// then x = ff(ff_norm(x)) + x. Tokens are ((b h w), f, C).
/// </summary>
public sealed class TemporalTransformerBlock : nn.Module
{
    private readonly ModuleList<VersatileAttention> _attentionBlocks;
    private readonly ModuleList<LayerNorm> _norms;
    private readonly FeedForward _ff;
    private readonly LayerNorm _ffNorm;

    public TemporalTransformerBlock(int dim, int heads, int dimHead, int attentionBlocks, bool temporalPositionEncoding, int maxLength, Device? device = null)
        : base(nameof(TemporalTransformerBlock))
    {
        _attentionBlocks = nn.ModuleList(Enumerable.Range(0, attentionBlocks).Select(_ => new VersatileAttention(dim, heads, dimHead, temporalPositionEncoding, maxLength, device: device)).ToArray());
        _norms = nn.ModuleList(Enumerable.Range(0, attentionBlocks).Select(_ => nn.LayerNorm(dim, device: device)).ToArray());
        _ff = new FeedForward(dim, device: device);
        _ffNorm = nn.LayerNorm(dim, device: device);
        register_module("attention_blocks", _attentionBlocks);
        register_module("norms", _norms);
        register_module("ff", _ff);
        register_module("ff_norm", _ffNorm);
    }

    // Submodules are registered explicitly under their official names.
    protected override void RegisterComponents() { }

    public Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        for (int k = 0; k < _attentionBlocks.Count; k++)
            x = _attentionBlocks[k].forward(_norms[k].forward(x)).add_(x);
        x = _ff.forward(_ffNorm.forward(x)).add_(x);
        return x.MoveToOuterDisposeScope();
    }
}
