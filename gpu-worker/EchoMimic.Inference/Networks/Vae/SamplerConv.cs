using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Vae;

/// <summary>
/// The parameter-carrying part of diffusers' <c>Downsample2D</c>/<c>Upsample2D</c>: one 3x3 conv registered as
/// <c>conv</c> (key <c>downsamplers.0.conv.*</c> / <c>upsamplers.0.conv.*</c>). The pad / resize around it is done by
/// the owning block.
/// </summary>
public sealed class SamplerConv : ExplicitModule<Tensor, Tensor>
{
    private readonly Conv2d _conv;

    public SamplerConv(long channels, long stride, long padding, Device? device) : base(nameof(SamplerConv))
    {
        _conv = nn.Conv2d(channels, channels, 3, stride: stride, padding: padding, device: device);
        register_module("conv", _conv);
    }

    public override Tensor forward(Tensor input) => _conv.forward(input);
}
