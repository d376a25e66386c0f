using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Vae;

/// <summary>
/// diffusers <c>DownEncoderBlock2D</c>: <c>resnets.0..n-1</c>, then (except on the last level)
/// <c>downsamplers.0.conv</c>, a 3x3 stride-2 conv with padding 0 after padding the map by one zero column on the
/// right and one zero row at the bottom (<c>Downsample2D</c> with <c>padding=0</c>, as the VAE encoder builds it).
/// </summary>
public sealed class DownEncoderBlock2D : ExplicitModule<Tensor, Tensor>
{
    private readonly ModuleList<VaeResnetBlock> _resnets;
    private readonly ModuleList<SamplerConv> _downsamplers;

    public DownEncoderBlock2D(long inChannels, long outChannels, int layers, long groups, bool addDownsample, Device? device) : base(nameof(DownEncoderBlock2D))
    {
        _resnets = new ModuleList<VaeResnetBlock>();
        for (int j = 0; j < layers; j++) _resnets.Add(new VaeResnetBlock(j == 0 ? inChannels : outChannels, outChannels, groups, device));
        _downsamplers = new ModuleList<SamplerConv>();
        if (addDownsample) _downsamplers.Add(new SamplerConv(outChannels, stride: 2, padding: 0, device));
        register_module("resnets", _resnets);
        register_module("downsamplers", _downsamplers);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var resnet in _resnets) x = resnet.forward(x);
        foreach (var downsampler in _downsamplers)
            x = downsampler.forward(nn.functional.pad(x, [0, 1, 0, 1], PaddingModes.Constant, 0));
        return x.MoveToOuterDisposeScope();
    }
}
