using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// <c>src/models/attention.py BasicTransformerBlock</c> of the reference UNet: <c>norm1</c>, <c>attn1</c>,
/// <c>norm3</c>, <c>ff</c> only (no attn2/norm2: no text cross-attention). Runs the forward that the official
/// <c>ReferenceAttentionControl</c> installs in write mode: norm = norm1(h); the bank keeps norm; h = attn1(norm) + h;
/// h = ff(norm3(h)) + h.
/// </summary>
public sealed class BasicTransformerBlock : nn.Module
{
    // Submodules are registered explicitly under their official names; TorchSharp's field-name registration would add duplicates.
    protected override void RegisterComponents() { }

    private readonly LayerNorm _norm1, _norm3;
    private readonly Attention _attn1;
    private readonly FeedForward _ff;

    public int Width { get; }

    /// <summary>This block's <c>named_modules()</c> path in its UNet; set by the UNet after construction.</summary>
    public string Path { get; internal set; } = "";

    public BasicTransformerBlock(int dim, int heads, int dimHead, Device? device = null) : base(nameof(BasicTransformerBlock))
    {
        Width = dim;
        _norm1 = nn.LayerNorm(dim, device: device);
        _attn1 = new Attention(dim, heads, dimHead, device: device);
        _norm3 = nn.LayerNorm(dim, device: device);
        _ff = new FeedForward(dim, device: device);
        register_module("norm1", _norm1);
        register_module("attn1", _attn1);
        register_module("norm3", _norm3);
        register_module("ff", _ff);
    }

    /// <param name="hidden">tokens (batch, h*w, C)</param>
    /// <param name="bank">the bank being written, or null to run without writing</param>
    public Tensor forward(Tensor hidden, ReferenceBank? bank)
    {
        using var scope = NewDisposeScope();
        var norm = _norm1.forward(hidden);
        var h = _attn1.forward(norm).add_(hidden);
        h = _ff.forward(_norm3.forward(h)).add_(h);
        // The official writer appends norm.clone(); nothing here modifies norm afterwards, so the tensor itself is kept.
        bank?.Append(Path, norm);
        return h.MoveToOuterDisposeScope();
    }
}
