using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// UNet upsampler (<c>upsamplers.0.conv</c>): nearest-neighbour to the size of the next skip connection, then a
/// 3x3 conv. The official UNets pass that size (<c>upsample_size</c>) only when the input is not divisible by
/// 2^upsamplers and otherwise scale by 2; both give the same tensor, so the skip's size is always used.
/// </summary>
public sealed class Upsample2D : nn.Module<Tensor, Tensor>
{
    // Submodules are registered explicitly under their official names; TorchSharp's field-name registration would add duplicates.
    protected override void RegisterComponents() { }

    private readonly Conv2d _conv;

    public Upsample2D(int channels, Device? device = null) : base(nameof(Upsample2D))
    {
        _conv = nn.Conv2d(channels, channels, 3, padding: 1, device: device);
        register_module("conv", _conv);
    }

    public override Tensor forward(Tensor x) => forward(x, x.shape[2] * 2, x.shape[3] * 2);

    public Tensor forward(Tensor x, long height, long width)
    {
        using var scope = NewDisposeScope();
        var up = nn.functional.interpolate(x, size: [height, width], mode: InterpolationMode.Nearest);
        return _conv.forward(up).MoveToOuterDisposeScope();
    }
}
