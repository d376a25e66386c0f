using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Whisper;

/// <summary>
/// whisper <c>MultiHeadAttention</c> (self-attention only, no mask, no kv-cache): <c>query</c>, <c>key</c> (no bias),
/// <c>value</c>, <c>out</c>. As <c>qkv_attention</c> does, q and k are each scaled by (d/heads)^-0.25 before the
/// product (not the product by 1/sqrt), and the softmax runs in float32.
/// </summary>
public sealed class WhisperAttention : ExplicitModule<Tensor, Tensor>
{
    private readonly Linear _query;
    private readonly Linear _key;
    private readonly Linear _value;
    private readonly Linear _out;
    private readonly int _heads;

    public WhisperAttention(int state, int heads, Device? device) : base(nameof(WhisperAttention))
    {
        _heads = heads;
        _query = nn.Linear(state, state, device: device);
        _key = nn.Linear(state, state, hasBias: false, device: device);
        _value = nn.Linear(state, state, device: device);
        _out = nn.Linear(state, state, device: device);
        register_module("query", _query);
        register_module("key", _key);
        register_module("value", _value);
        register_module("out", _out);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], n = x.shape[1], d = x.shape[2];
        long headDim = d / _heads;
        double scale = Math.Pow(headDim, -0.25);
        var q = _query.forward(x).view(b, n, _heads, headDim).permute(0, 2, 1, 3) * scale;
        var k = _key.forward(x).view(b, n, _heads, headDim).permute(0, 2, 3, 1) * scale;
        var v = _value.forward(x).view(b, n, _heads, headDim).permute(0, 2, 1, 3);
        var weights = matmul(q, k).to_type(ScalarType.Float32).softmax(-1).to_type(q.dtype);
        var attended = matmul(weights, v).permute(0, 2, 1, 3).flatten(2);
        return _out.forward(attended).MoveToOuterDisposeScope();
    }
}
