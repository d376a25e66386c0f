using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Vae;

/// <summary>
/// The VAE mid-block self-attention (diffusers <c>Attention</c> built by <c>UNetMidBlock2D</c> with
/// <c>heads = 1</c>, <c>dim_head = channels</c>, <c>residual_connection=True</c>, <c>bias=True</c>):
/// GroupNorm over the (c, h, w) map, linear q/k/v over the h*w tokens, softmax(q k^T / sqrt(c)) v, <c>to_out.0</c>,
/// plus the input. Keys: <c>group_norm, to_q, to_k, to_v, to_out.0</c> (older checkpoints say query/key/value/proj_attn).
/// </summary>
public sealed class VaeAttention : ExplicitModule<Tensor, Tensor>
{
    private readonly GroupNorm _groupNorm;
    private readonly Linear _toQ;
    private readonly Linear _toK;
    private readonly Linear _toV;
    private readonly ModuleList<Linear> _toOut;

    public VaeAttention(long channels, long groups, Device? device) : base(nameof(VaeAttention))
    {
        _groupNorm = nn.GroupNorm(groups, channels, VaeResnetBlock.Eps, device: device);
        _toQ = nn.Linear(channels, channels, device: device);
        _toK = nn.Linear(channels, channels, device: device);
        _toV = nn.Linear(channels, channels, device: device);
        // to_out.1 is a Dropout without parameters; only index 0 carries weights.
        _toOut = new ModuleList<Linear>(nn.Linear(channels, channels, device: device));
        register_module("group_norm", _groupNorm);
        register_module("to_q", _toQ);
        register_module("to_k", _toK);
        register_module("to_v", _toV);
        register_module("to_out", _toOut);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long b = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3];
        var tokens = _groupNorm.forward(input).reshape(b, c, h * w).transpose(1, 2);
        var q = _toQ.forward(tokens);
        var k = _toK.forward(tokens);
        var v = _toV.forward(tokens);
        // diffusers 0.31 runs this through F.scaled_dot_product_attention (AttnProcessor2_0, scale 1/sqrt(c)); the fused
        // kernel also avoids materialising the (h*w)^2 score matrix (9216^2 floats at 768x768).
        var attended = nn.functional.scaled_dot_product_attention(q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1)).squeeze(1);
        var output = _toOut[0].forward(attended).transpose(1, 2).reshape(b, c, h, w);
        return (output + input).MoveToOuterDisposeScope();
    }
}
