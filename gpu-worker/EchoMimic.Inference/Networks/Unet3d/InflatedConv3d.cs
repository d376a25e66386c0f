using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// <c>src/models/resnet.py InflatedConv3d</c>: a plain Conv2d (same <c>weight</c>/<c>bias</c> keys and shapes) applied
/// to every frame independently; no temporal kernel. Accepts a video (b, c, f, h, w) or frame-batched ((b f), c, h, w) input.
/// </summary>
public sealed class InflatedConv3d : nn.Module<Tensor, Tensor>
{
    private readonly long _stride, _padding;

    public InflatedConv3d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, Device? device = null) : base(nameof(InflatedConv3d))
    {
        // Built as a Conv2d for its initialisation and shapes; its weight and bias become this module's own
        // parameters, as in the official subclass of nn.Conv2d (keys `weight`, `bias`, no `conv.` level).
        using var conv = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: padding, device: device);
        register_parameter("weight", new Parameter(conv.weight!.detach().clone()));
        register_parameter("bias", new Parameter(conv.bias!.detach().clone()));
        _stride = stride;
        _padding = padding;
    }

    // Parameters are registered explicitly under their official names.
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        bool video = x.dim() == 5;
        var frames = video ? FrameLayout.ToFrameBatch(x) : x;
        var y = nn.functional.conv2d(frames, get_parameter("weight")!, get_parameter("bias"), strides: [_stride, _stride], padding: [_padding, _padding]);
        return (video ? FrameLayout.ToVideo(y, x.shape[2]) : y).MoveToOuterDisposeScope();
    }
}
