using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// Motion-module <c>TemporalTransformer3DModel</c>: GroupNorm (32 groups hard-coded, eps 1e-6, per frame) ->
/// <c>proj_in</c> (Linear) -> <c>transformer_blocks</c> -> <c>proj_out</c> (Linear) -> + input. Works on
/// frame-batched activations ((b f), c, h, w) and goes straight to the ((b h w), f, c) token layout the temporal
/// attentions need (per-token layers do not care about the layout), so the data is permuted twice per module.
/// </summary>
public sealed class TemporalTransformer3DModel : nn.Module
{
    /// <summary>The official TemporalTransformer3DModel is built with its default norm_num_groups=32, never the UNet's.</summary>
    public const int NormGroups = 32;

    private readonly GroupNorm _norm;
    private readonly Linear _projIn, _projOut;
    private readonly ModuleList<TemporalTransformerBlock> _blocks;

    public TemporalTransformer3DModel(int channels, MotionModuleConfig config, Device? device = null) : base(nameof(TemporalTransformer3DModel))
    {
        int dimHead = channels / config.NumAttentionHeads / config.TemporalAttentionDimDiv;
        int inner = config.NumAttentionHeads * dimHead;
        _norm = nn.GroupNorm(NormGroups, channels, 1e-6, device: device);
        _projIn = nn.Linear(channels, inner, device: device);
        _blocks = nn.ModuleList(Enumerable.Range(0, config.NumTransformerBlock).Select(_ => new TemporalTransformerBlock(inner, config.NumAttentionHeads, dimHead,
            config.AttentionBlockTypes.Count, config.TemporalPositionEncoding, config.TemporalPositionEncodingMaxLen, device: device)).ToArray());
        _projOut = nn.Linear(inner, channels, device: device);
        register_module("norm", _norm);
        register_module("proj_in", _projIn);
        register_module("transformer_blocks", _blocks);
        register_module("proj_out", _projOut);
    }

    // Submodules are registered explicitly under their official names.
    protected override void RegisterComponents() { }

    /// <param name="x">frame-batched activations ((b f), c, h, w), rows ordered (batch, frame)</param>
    /// <param name="frames">f</param>
    public Tensor forward(Tensor x, long frames)
    {
        using var scope = NewDisposeScope();
        long rows = x.shape[0], c = x.shape[1], height = x.shape[2], width = x.shape[3], batch = rows / frames, pixels = height * width;
        var tokens = _norm.forward(x).view(batch, frames, c, pixels).permute(0, 3, 1, 2).reshape(batch * pixels, frames, c);
        tokens = _projIn.forward(tokens);
        foreach (var block in _blocks) tokens = block.forward(tokens);
        tokens = _projOut.forward(tokens);
        var back = tokens.view(batch, pixels, frames, c).permute(0, 2, 3, 1).reshape(rows, c, height, width);
        return back.add_(x).MoveToOuterDisposeScope();
    }
}
