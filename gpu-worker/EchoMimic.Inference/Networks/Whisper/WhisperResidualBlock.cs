using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Whisper;

/// <summary>
/// whisper <c>ResidualAttentionBlock</c> of the encoder (no cross-attention): x + attn(attn_ln(x)), then
/// x + mlp(mlp_ln(x)) with <c>mlp.0</c> Linear(d, 4d) -> exact GELU -> <c>mlp.2</c> Linear(4d, d).
/// LayerNorms (eps 1e-5) run in float32 as whisper's <c>LayerNorm</c> subclass does.
/// </summary>
public sealed class WhisperResidualBlock : ExplicitModule<Tensor, Tensor>
{
    private readonly WhisperAttention _attn;
    private readonly LayerNorm _attnLn;
    private readonly Sequential _mlp;
    private readonly LayerNorm _mlpLn;

    public WhisperResidualBlock(int state, int heads, Device? device) : base(nameof(WhisperResidualBlock))
    {
        _attn = new WhisperAttention(state, heads, device);
        _attnLn = nn.LayerNorm(state, device: device);
        _mlp = nn.Sequential(
            ("0", nn.Linear(state, 4 * state, device: device)),
            ("1", nn.GELU()),
            ("2", nn.Linear(4 * state, state, device: device)));
        _mlpLn = nn.LayerNorm(state, device: device);
        register_module("attn", _attn);
        register_module("attn_ln", _attnLn);
        register_module("mlp", _mlp);
        register_module("mlp_ln", _mlpLn);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x + _attn.forward(Float32Norm(_attnLn, x));
        x = x + _mlp.forward(Float32Norm(_mlpLn, x));
        return x.MoveToOuterDisposeScope();
    }

    internal static Tensor Float32Norm(LayerNorm norm, Tensor x) =>
        x.dtype == ScalarType.Float32 ? norm.forward(x) : norm.forward(x.to_type(ScalarType.Float32)).to_type(x.dtype);
}
