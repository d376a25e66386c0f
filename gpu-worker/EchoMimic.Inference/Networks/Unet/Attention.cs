using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// diffusers <c>Attention</c> as the official UNets build it: <c>to_q</c>, <c>to_k</c>, <c>to_v</c> without bias,
/// <c>to_out.0</c> with bias (<c>to_out.1</c> is a parameterless dropout). Heads split the last dimension in
/// contiguous chunks; scores are scaled by 1/sqrt(head_dim), softmax over keys, no mask. Computed by
/// <see cref="AttentionKernels"/> (scaled_dot_product_attention, or chunked matmul + softmax where that is faster).
/// </summary>
public class Attention : nn.Module
{
    // Submodules are registered explicitly under their official names; TorchSharp's field-name registration would add duplicates.
    protected override void RegisterComponents() { }

    private readonly Linear _toQ, _toK, _toV, _toOut;

    public int Heads { get; }
    public int InnerDim { get; }

    /// <param name="queryDim">width of the query tokens (and of the output)</param>
    /// <param name="heads">number of heads</param>
    /// <param name="dimHead">width of one head (diffusers <c>dim_head</c>)</param>
    /// <param name="crossAttentionDim">width of the key/value tokens; null for self-attention</param>
    public Attention(int queryDim, int heads, int dimHead, int? crossAttentionDim = null, bool bias = false, Device? device = null) : base(nameof(Attention))
    {
        Heads = heads;
        InnerDim = heads * dimHead;
        _toQ = nn.Linear(queryDim, InnerDim, hasBias: bias, device: device);
        _toK = nn.Linear(crossAttentionDim ?? queryDim, InnerDim, hasBias: bias, device: device);
        _toV = nn.Linear(crossAttentionDim ?? queryDim, InnerDim, hasBias: bias, device: device);
        _toOut = nn.Linear(InnerDim, queryDim, hasBias: true, device: device);
        register_module("to_q", _toQ);
        register_module("to_k", _toK);
        register_module("to_v", _toV);
        register_module("to_out", nn.ModuleList<nn.Module>(_toOut, nn.Dropout(0.0)));
    }

    /// <summary>Attention of <paramref name="hidden"/> (B, T, C) over <paramref name="context"/> (B, S, C'), or over itself.</summary>
    public Tensor forward(Tensor hidden, Tensor? context = null)
    {
        using var scope = NewDisposeScope();
        var source = context ?? hidden;
        return Attend(_toQ.forward(hidden), _toK.forward(source), _toV.forward(source)).MoveToOuterDisposeScope();
    }

    /// <summary>Key projection alone, so that a caller can project shared context tokens once (see the read-mode block).</summary>
    public Tensor ProjectKey(Tensor tokens) => _toK.forward(tokens);

    public Tensor ProjectValue(Tensor tokens) => _toV.forward(tokens);

    public Tensor ProjectQuery(Tensor tokens) => _toQ.forward(tokens);

    /// <summary>Multi-head attention of projected q (B, T, inner) over projected k, v (B, S, inner), then <c>to_out.0</c>.</summary>
    public Tensor Attend(Tensor q, Tensor k, Tensor v)
    {
        using var scope = NewDisposeScope();
        long batch = q.shape[0], tokens = q.shape[1];
        var output = AttentionKernels.Attend(SplitHeads(q), SplitHeads(k), SplitHeads(v));
        var merged = output.transpose(1, 2).reshape(batch, tokens, InnerDim);
        return _toOut.forward(merged).MoveToOuterDisposeScope();
    }

    private Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], Heads, InnerDim / Heads).transpose(1, 2);
}
