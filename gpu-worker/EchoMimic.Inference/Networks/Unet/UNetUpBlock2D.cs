using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// diffusers <c>CrossAttnUpBlock2D</c> / <c>UpBlock2D</c>: per layer concat [x, skip] on channels (skips taken
/// last-in first-out), resnet (-> transformer); then the optional upsampler to the next skip's size.
/// </summary>
public sealed class UNetUpBlock2D : nn.Module
{
    // Submodules are registered explicitly under their official names; TorchSharp's field-name registration would add duplicates.
    protected override void RegisterComponents() { }

    private readonly ModuleList<ResnetBlock2D> _resnets;
    private readonly ModuleList<Transformer2DModel>? _attentions;
    private readonly ModuleList<Upsample2D>? _upsamplers;

    public int Layers => _resnets.Count;

    /// <param name="prevOutputChannels">width of the incoming activation (the previous up level's output)</param>
    /// <param name="skipInChannels">width of the deepest skip this block takes (diffusers <c>in_channels</c>)</param>
    public UNetUpBlock2D(string blockType, int skipInChannels, int outChannels, int prevOutputChannels, int tembChannels, int layers, int heads, int groups, double eps, bool addUpsample, Device? device = null)
        : base(blockType)
    {
        bool crossAttention = blockType switch
        {
            "CrossAttnUpBlock2D" => true,
            "UpBlock2D" => false,
            _ => throw new NotSupportedException($"up block type {blockType}"),
        };
        if (crossAttention)
        {
            _attentions = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new Transformer2DModel(outChannels, heads, groups, device: device)).ToArray());
            register_module("attentions", _attentions);
        }
        _resnets = nn.ModuleList(Enumerable.Range(0, layers).Select(i =>
        {
            int skip = i == layers - 1 ? skipInChannels : outChannels;
            int input = i == 0 ? prevOutputChannels : outChannels;
            return new ResnetBlock2D(input + skip, outChannels, tembChannels, groups, eps, device: device);
        }).ToArray());
        register_module("resnets", _resnets);
        if (addUpsample)
        {
            _upsamplers = nn.ModuleList(new Upsample2D(outChannels, device: device));
            register_module("upsamplers", _upsamplers);
        }
    }

    /// <summary>Runs the block, popping its skips from the end of <paramref name="skips"/>.</summary>
    public Tensor forward(Tensor x, Tensor temb, ReferenceBank? bank, List<Tensor> skips)
    {
        for (int i = 0; i < _resnets.Count; i++)
        {
            using var scope = NewDisposeScope();
            var skip = skips[^1];
            skips.RemoveAt(skips.Count - 1);
            var h = _resnets[i].forward(cat([x, skip], 1), temb);
            skip.Dispose(); // each skip is read exactly once; freeing it here lowers the peak memory of the up path
            if (_attentions is not null) h = _attentions[i].forward(h, bank);
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
