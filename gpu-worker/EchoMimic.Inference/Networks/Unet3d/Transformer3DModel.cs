using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// <c>src/models/transformer_3d.py Transformer3DModel</c> on frame-batched activations ((b f), c, h, w): GroupNorm
/// (eps 1e-6, per frame) -> <c>proj_in</c> 1x1 conv -> tokens ((b f), h*w, C) -> read-mode
/// <see cref="TemporalBasicTransformerBlock"/>s -> <c>proj_out</c> 1x1 conv -> + input.
/// </summary>
public sealed class Transformer3DModel : nn.Module
{
    private readonly GroupNorm _norm;
    private readonly Conv2d _projIn, _projOut;
    private readonly ModuleList<TemporalBasicTransformerBlock> _blocks;

    public Transformer3DModel(int channels, int heads, int groups, int crossAttentionDim, bool temporalAttention, int layers = 1, Device? device = null) : base(nameof(Transformer3DModel))
    {
        _norm = nn.GroupNorm(groups, channels, 1e-6, device: device);
        _projIn = nn.Conv2d(channels, channels, 1, device: device);
        _blocks = nn.ModuleList(Enumerable.Range(0, layers)
            .Select(_ => new TemporalBasicTransformerBlock(channels, heads, channels / heads, crossAttentionDim, temporalAttention, device: device)).ToArray());
        _projOut = nn.Conv2d(channels, channels, 1, device: device);
        register_module("norm", _norm);
        register_module("proj_in", _projIn);
        register_module("transformer_blocks", _blocks);
        register_module("proj_out", _projOut);
    }

    // Submodules are registered explicitly under their official names.
    protected override void RegisterComponents() { }

    public Tensor forward(Tensor x, DenoisingStep step)
    {
        using var scope = NewDisposeScope();
        long rows = x.shape[0], c = x.shape[1], height = x.shape[2], width = x.shape[3];
        var tokens = _projIn.forward(_norm.forward(x)).permute(0, 2, 3, 1).reshape(rows, height * width, c);
        foreach (var block in _blocks) tokens = block.forward(tokens, step);
        var spatial = tokens.reshape(rows, height, width, c).permute(0, 3, 1, 2).contiguous();
        return _projOut.forward(spatial).add_(x).MoveToOuterDisposeScope();
    }
}
