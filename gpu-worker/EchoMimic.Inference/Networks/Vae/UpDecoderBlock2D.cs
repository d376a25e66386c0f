using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Vae;

/// <summary>
/// diffusers <c>UpDecoderBlock2D</c>: <c>resnets.0..n-1</c> (layers_per_block + 1 of them), then (except on the last
/// level) <c>upsamplers.0.conv</c>: nearest-neighbour x2 followed by a 3x3 conv (<c>Upsample2D</c>).
/// </summary>
public sealed class UpDecoderBlock2D : ExplicitModule<Tensor, Tensor>
{
    private readonly ModuleList<VaeResnetBlock> _resnets;
    private readonly ModuleList<SamplerConv> _upsamplers;

    public UpDecoderBlock2D(long inChannels, long outChannels, int layers, long groups, bool addUpsample, Device? device) : base(nameof(UpDecoderBlock2D))
    {
        _resnets = new ModuleList<VaeResnetBlock>();
        for (int j = 0; j < layers; j++) _resnets.Add(new VaeResnetBlock(j == 0 ? inChannels : outChannels, outChannels, groups, device));
        _upsamplers = new ModuleList<SamplerConv>();
        if (addUpsample) _upsamplers.Add(new SamplerConv(outChannels, stride: 1, padding: 1, device));
        register_module("resnets", _resnets);
        register_module("upsamplers", _upsamplers);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var resnet in _resnets) x = resnet.forward(x);
        foreach (var upsampler in _upsamplers)
            x = upsampler.forward(nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest));
        return x.MoveToOuterDisposeScope();
    }
}
