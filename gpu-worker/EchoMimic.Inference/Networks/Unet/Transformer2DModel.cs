using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// <c>src/models/transformer_2d.py Transformer2DModel</c> (SD1.5: conv projections): GroupNorm (eps 1e-6) ->
/// <c>proj_in</c> 1x1 conv -> tokens (b, h*w, C) -> <c>transformer_blocks</c> -> <c>proj_out</c> 1x1 conv -> + input.
/// (The official forward also returns the projected input as <c>ref_feature</c>; nothing uses it.)
/// </summary>
public sealed class Transformer2DModel : nn.Module
{
    // Submodules are registered explicitly under their official names; TorchSharp's field-name registration would add duplicates.
    protected override void RegisterComponents() { }

    private readonly GroupNorm _norm;
    private readonly Conv2d _projIn, _projOut;
    private readonly ModuleList<BasicTransformerBlock> _blocks;

    public Transformer2DModel(int channels, int heads, int groups, int layers = 1, Device? device = null) : base(nameof(Transformer2DModel))
    {
        _norm = nn.GroupNorm(groups, channels, 1e-6, device: device);
        _projIn = nn.Conv2d(channels, channels, 1, device: device);
        _blocks = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new BasicTransformerBlock(channels, heads, channels / heads, device: device)).ToArray());
        _projOut = nn.Conv2d(channels, channels, 1, device: device);
        register_module("norm", _norm);
        register_module("proj_in", _projIn);
        register_module("transformer_blocks", _blocks);
        register_module("proj_out", _projOut);
    }

    public Tensor forward(Tensor x, ReferenceBank? bank)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[1], height = x.shape[2], width = x.shape[3];
        var tokens = _projIn.forward(_norm.forward(x)).permute(0, 2, 3, 1).reshape(b, height * width, c);
        foreach (var block in _blocks) tokens = block.forward(tokens, bank);
        var spatial = tokens.reshape(b, height, width, c).permute(0, 3, 1, 2).contiguous();
        return _projOut.forward(spatial).add_(x).MoveToOuterDisposeScope();
    }
}
