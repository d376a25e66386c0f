using EchoMimic.Inference.Networks.Unet;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// <c>CrossAttnUpBlock3D</c> / <c>UpBlock3D</c> on frame-batched activations: per layer concat [x, skip] on channels
/// (skips last-in first-out), resnet (-> transformer) -> motion module; then the optional upsampler (nearest on h and w
/// only, to the next skip's size) + conv.
/// </summary>
public sealed class UNetUpBlock3D : nn.Module
{
    private readonly ModuleList<Transformer3DModel>? _attentions;
    private readonly ModuleList<ResnetBlock2D> _resnets;
    private readonly ModuleList<VanillaTemporalModule>? _motionModules;
    private readonly ModuleList<Upsample2D>? _upsamplers;

    /// <param name="index">up block index i (level = levels - 1 - i)</param>
    public UNetUpBlock3D(string blockType, int index, EmoUNet3DConfig config, bool addUpsample, Device? device = null) : base(blockType)
    {
        bool crossAttention = blockType switch
        {
            "CrossAttnUpBlock3D" => true,
            "UpBlock3D" => false,
            _ => throw new NotSupportedException($"up block type {blockType}"),
        };
        var channels = config.BlockOutChannels;
        int levels = channels.Count, level = levels - 1 - index, layers = config.LayersPerBlock + 1, tembChannels = channels[0] * 4;
        int outChannels = channels[level], skipIn = channels[Math.Max(level - 1, 0)], prevOut = channels[Math.Min(level + 1, levels - 1)];
        if (crossAttention)
        {
            _attentions = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new Transformer3DModel(outChannels, config.AttentionHeads[level],
                config.NormNumGroups, config.CrossAttentionDim, config.UnetUseTemporalAttention, device: device)).ToArray());
            register_module("attentions", _attentions);
        }
        _resnets = nn.ModuleList(Enumerable.Range(0, layers).Select(i =>
        {
            int skip = i == layers - 1 ? skipIn : outChannels;
            int input = i == 0 ? prevOut : outChannels;
            return new ResnetBlock2D(input + skip, outChannels, tembChannels, config.NormNumGroups, config.NormEps, device: device);
        }).ToArray());
        register_module("resnets", _resnets);
        if (config.UpBlockHasMotion(index))
        {
            _motionModules = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new VanillaTemporalModule(outChannels, config.MotionModule, device: device)).ToArray());
            register_module("motion_modules", _motionModules);
        }
        if (addUpsample)
        {
            _upsamplers = nn.ModuleList(new Upsample2D(outChannels, device: device));
            register_module("upsamplers", _upsamplers);
        }
    }

    // Submodules are registered explicitly under their official names.
    protected override void RegisterComponents() { }

    public Tensor forward(Tensor x, DenoisingStep step, List<Tensor> skips)
    {
        for (int i = 0; i < _resnets.Count; i++)
        {
            using var scope = NewDisposeScope();
            var skip = skips[^1];
            skips.RemoveAt(skips.Count - 1);
            var h = _resnets[i].forward(cat([x, skip], 1), step.TimeEmbedding);
            skip.Dispose(); // each skip is read exactly once; freeing it here lowers the peak memory of the up path
            if (_attentions is not null) h = _attentions[i].forward(h, step);
            if (_motionModules is not null) h = _motionModules[i].forward(h, step.Frames);
            x = h.MoveToOuterDisposeScope();
        }
        if (_upsamplers is not null)
        {
            var target = skips[^1];
            x = _upsamplers[0].forward(x, target.shape[2], target.shape[3]);
        }
        return x;
    }
}
