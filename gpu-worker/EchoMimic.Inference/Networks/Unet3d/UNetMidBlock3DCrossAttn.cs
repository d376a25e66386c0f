using EchoMimic.Inference.Networks.Unet;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary><c>UNetMidBlock3DCrossAttn</c>: resnets.0, then per transformer k: attentions.k -> motion_modules.k -> resnets.k+1.</summary>
public sealed class UNetMidBlock3DCrossAttn : nn.Module
{
    private readonly ModuleList<Transformer3DModel> _attentions;
    private readonly ModuleList<ResnetBlock2D> _resnets;
    private readonly ModuleList<VanillaTemporalModule>? _motionModules;

    public UNetMidBlock3DCrossAttn(EmoUNet3DConfig config, int layers = 1, Device? device = null) : base(nameof(UNetMidBlock3DCrossAttn))
    {
        int channels = config.BlockOutChannels[^1], tembChannels = config.BlockOutChannels[0] * 4;
        _attentions = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new Transformer3DModel(channels, config.AttentionHeads[^1],
            config.NormNumGroups, config.CrossAttentionDim, config.UnetUseTemporalAttention, device: device)).ToArray());
        _resnets = nn.ModuleList(Enumerable.Range(0, layers + 1)
            .Select(_ => new ResnetBlock2D(channels, channels, tembChannels, config.NormNumGroups, config.NormEps, config.MidBlockScaleFactor, device: device)).ToArray());
        register_module("attentions", _attentions);
        register_module("resnets", _resnets);
        if (config.UseMotionModule && config.MotionModuleMidBlock)
        {
            _motionModules = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new VanillaTemporalModule(channels, config.MotionModule, device: device)).ToArray());
            register_module("motion_modules", _motionModules);
        }
    }

    // Submodules are registered explicitly under their official names.
    protected override void RegisterComponents() { }

    public Tensor forward(Tensor x, DenoisingStep step)
    {
        using var scope = NewDisposeScope();
        var h = _resnets[0].forward(x, step.TimeEmbedding);
        for (int i = 0; i < _attentions.Count; i++)
        {
            h = _attentions[i].forward(h, step);
            if (_motionModules is not null) h = _motionModules[i].forward(h, step.Frames);
            h = _resnets[i + 1].forward(h, step.TimeEmbedding);
        }
        return h.MoveToOuterDisposeScope();
    }
}
