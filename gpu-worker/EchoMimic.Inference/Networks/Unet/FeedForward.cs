using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// diffusers <c>FeedForward</c> with GEGLU (mult 4): <c>net.0.proj</c> Linear(C, 8C) split into (value, gate),
/// value * gelu(gate) with exact erf GELU, <c>net.1</c> dropout (no params), <c>net.2</c> Linear(4C, C).
/// </summary>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    // Submodules are registered explicitly under their official names; TorchSharp's field-name registration would add duplicates.
    protected override void RegisterComponents() { }

    private readonly Linear _proj, _out;

    public FeedForward(int dim, int mult = 4, Device? device = null) : base(nameof(FeedForward))
    {
        int inner = dim * mult;
        _proj = nn.Linear(dim, inner * 2, device: device);
        _out = nn.Linear(inner, dim, device: device);
        var geglu = new GegluProjection(_proj);
        register_module("net", nn.ModuleList<nn.Module>(geglu, nn.Dropout(0.0), _out));
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var projected = _proj.forward(x);
        var halves = projected.chunk(2, -1);
        var gated = halves[0].mul_(nn.functional.gelu(halves[1]));
        return _out.forward(gated).MoveToOuterDisposeScope();
    }

    /// <summary>diffusers <c>GEGLU</c>: only holds <c>proj</c>; the gating runs in <see cref="FeedForward.forward"/>.</summary>
    private sealed class GegluProjection : nn.Module
    {
        public GegluProjection(Linear proj) : base("GEGLU") => register_module("proj", proj);
    }
}
