using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Vae;

/// <summary>diffusers <c>UNetMidBlock2D</c> of the VAE: <c>resnets.0</c> -> <c>attentions.0</c> -> <c>resnets.1</c>.</summary>
public sealed class VaeMidBlock : ExplicitModule<Tensor, Tensor>
{
    private readonly ModuleList<VaeResnetBlock> _resnets;
    private readonly ModuleList<VaeAttention> _attentions;

    public VaeMidBlock(long channels, long groups, bool addAttention, Device? device) : base(nameof(VaeMidBlock))
    {
        _resnets = new ModuleList<VaeResnetBlock>(
            new VaeResnetBlock(channels, channels, groups, device),
            new VaeResnetBlock(channels, channels, groups, device));
        _attentions = new ModuleList<VaeAttention>();
        if (addAttention) _attentions.Add(new VaeAttention(channels, groups, device));
        register_module("attentions", _attentions);
        register_module("resnets", _resnets);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = _resnets[0].forward(input);
        if (_attentions.Count > 0) x = _attentions[0].forward(x);
        return _resnets[1].forward(x).MoveToOuterDisposeScope();
    }
}
