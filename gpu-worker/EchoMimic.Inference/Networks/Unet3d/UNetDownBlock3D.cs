using EchoMimic.Inference.Networks.Unet;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// <c>src/models/unet_3d_blocks.py CrossAttnDownBlock3D</c> (resnet -> transformer -> motion module per layer) or
/// <c>DownBlock3D</c> (resnet -> motion module; no audio), on frame-batched activations. Every layer's output and the
/// downsampler's output are skips. The resnets' inflated convs/group norms are per-frame 2-D ops here.
/// </summary>
public sealed class UNetDownBlock3D : nn.Module
{
    private readonly ModuleList<Transformer3DModel>? _attentions;
    private readonly ModuleList<ResnetBlock2D> _resnets;
    private readonly ModuleList<VanillaTemporalModule>? _motionModules;
    private readonly ModuleList<Downsample2D>? _downsamplers;

    public UNetDownBlock3D(string blockType, int inChannels, int outChannels, int level, EmoUNet3DConfig config, bool addDownsample, Device? device = null) : base(blockType)
    {
        bool crossAttention = blockType switch
        {
            "CrossAttnDownBlock3D" => true,
            "DownBlock3D" => false,
            _ => throw new NotSupportedException($"down block type {blockType}"),
        };
        int layers = config.LayersPerBlock, tembChannels = config.BlockOutChannels[0] * 4;
        if (crossAttention)
        {
            _attentions = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new Transformer3DModel(outChannels, config.AttentionHeads[level],
                config.NormNumGroups, config.CrossAttentionDim, config.UnetUseTemporalAttention, device: device)).ToArray());
            register_module("attentions", _attentions);
        }
        _resnets = nn.ModuleList(Enumerable.Range(0, layers)
            .Select(i => new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, tembChannels, config.NormNumGroups, config.NormEps, device: device)).ToArray());
        register_module("resnets", _resnets);
        if (config.DownLevelHasMotion(level))
        {
            _motionModules = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new VanillaTemporalModule(outChannels, config.MotionModule, device: device)).ToArray());
            register_module("motion_modules", _motionModules);
        }
        if (addDownsample)
        {
            _downsamplers = nn.ModuleList(new Downsample2D(outChannels, device: device));
            register_module("downsamplers", _downsamplers);
        }
    }

    // Submodules are registered explicitly under their official names.
    protected override void RegisterComponents() { }

    public Tensor forward(Tensor x, DenoisingStep step, List<Tensor> skips)
    {
        for (int i = 0; i < _resnets.Count; i++)
        {
            using var scope = NewDisposeScope();
            var h = _resnets[i].forward(x, step.TimeEmbedding);
            if (_attentions is not null) h = _attentions[i].forward(h, step);
            if (_motionModules is not null) h = _motionModules[i].forward(h, step.Frames);
            x = h.MoveToOuterDisposeScope();
            skips.Add(x);
        }
        if (_downsamplers is not null)
        {
            x = _downsamplers[0].forward(x);
            skips.Add(x);
        }
        return x;
    }
}
