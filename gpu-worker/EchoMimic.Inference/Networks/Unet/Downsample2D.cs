using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>UNet downsampler (<c>downsamplers.0.conv</c>): stride-2 3x3 conv with padding 1, so odd sizes round up.</summary>
public sealed class Downsample2D : nn.Module<Tensor, Tensor>
{
    // Submodules are registered explicitly under their official names; TorchSharp's field-name registration would add duplicates.
    protected override void RegisterComponents() { }

    private readonly Conv2d _conv;

    public Downsample2D(int channels, int padding = 1, Device? device = null) : base(nameof(Downsample2D))
    {
        _conv = nn.Conv2d(channels, channels, 3, stride: 2, padding: padding, device: device);
        register_module("conv", _conv);
    }

    public override Tensor forward(Tensor x) => _conv.forward(x);
}
