using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// diffusers <c>CrossAttnDownBlock2D</c> (with <c>attentions</c>) or <c>DownBlock2D</c> (without): per layer resnet
/// (-> transformer), every layer's output is a skip; then the optional downsampler, whose output is a skip too.
/// </summary>
public sealed class UNetDownBlock2D : nn.Module
{
    // Submodules are registered explicitly under their official names; TorchSharp's field-name registration would add duplicates.
    protected override void RegisterComponents() { }

    private readonly ModuleList<ResnetBlock2D> _resnets;
    private readonly ModuleList<Transformer2DModel>? _attentions;
    private readonly ModuleList<Downsample2D>? _downsamplers;

    public UNetDownBlock2D(string blockType, int inChannels, int outChannels, int tembChannels, int layers, int heads, int groups, double eps, bool addDownsample, Device? device = null)
        : base(blockType)
    {
        bool crossAttention = blockType switch
        {
            "CrossAttnDownBlock2D" => true,
            "DownBlock2D" => false,
            _ => throw new NotSupportedException($"down block type {blockType}"),
        };
        if (crossAttention)
        {
            _attentions = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new Transformer2DModel(outChannels, heads, groups, device: device)).ToArray());
            register_module("attentions", _attentions);
        }
        _resnets = nn.ModuleList(Enumerable.Range(0, layers).Select(i => new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, tembChannels, groups, eps, device: device)).ToArray());
        register_module("resnets", _resnets);
        if (addDownsample)
        {
            _downsamplers = nn.ModuleList(new Downsample2D(outChannels, device: device));
            register_module("downsamplers", _downsamplers);
        }
    }

    /// <summary>Runs the block; appends its skip tensors to <paramref name="skips"/>.</summary>
    public Tensor forward(Tensor x, Tensor temb, ReferenceBank? bank, List<Tensor> skips)
    {
        for (int i = 0; i < _resnets.Count; i++)
        {
            using var scope = NewDisposeScope();
            var h = _resnets[i].forward(x, temb);
            if (_attentions is not null) h = _attentions[i].forward(h, bank);
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
