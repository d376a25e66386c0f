using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>diffusers <c>UNetMidBlock2DCrossAttn</c>: resnets.0 -> (attentions.k -> resnets.k+1) for each transformer.</summary>
public sealed class UNetMidBlock2DCrossAttn : nn.Module
{
    // Submodules are registered explicitly under their official names; TorchSharp's field-name registration would add duplicates.
    protected override void RegisterComponents() { }

    private readonly ModuleList<Transformer2DModel> _attentions;
    private readonly ModuleList<ResnetBlock2D> _resnets;

    public UNetMidBlock2DCrossAttn(int channels, int tembChannels, int heads, int groups, double eps, double outputScaleFactor, int layers = 1, Device? device = null)
        : base(nameof(UNetMidBlock2DCrossAttn))
    {
        _attentions = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new Transformer2DModel(channels, heads, groups, device: device)).ToArray());
        _resnets = nn.ModuleList(Enumerable.Range(0, layers + 1).Select(_ => new ResnetBlock2D(channels, channels, tembChannels, groups, eps, outputScaleFactor, device: device)).ToArray());
        register_module("attentions", _attentions);
        register_module("resnets", _resnets);
    }

    public Tensor forward(Tensor x, Tensor temb, ReferenceBank? bank)
    {
        using var scope = NewDisposeScope();
        var h = _resnets[0].forward(x, temb);
        for (int i = 0; i < _attentions.Count; i++)
            h = _resnets[i + 1].forward(_attentions[i].forward(h, bank), temb);
        return h.MoveToOuterDisposeScope();
    }
}
