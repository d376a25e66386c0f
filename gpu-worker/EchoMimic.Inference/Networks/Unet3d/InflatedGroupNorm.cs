using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// <c>src/models/resnet.py InflatedGroupNorm</c>: a plain GroupNorm applied per frame, so its statistics cover one
/// frame's (C/groups, h, w), never several frames. Accepts (b, c, f, h, w) or frame-batched ((b f), c, h, w) input.
/// </summary>
public sealed class InflatedGroupNorm : nn.Module<Tensor, Tensor>
{
    private readonly long _groups;
    private readonly double _eps;

    public InflatedGroupNorm(int groups, int channels, double eps, Device? device = null) : base(nameof(InflatedGroupNorm))
    {
        // Keys `weight`, `bias` directly on this module, as in the official subclass of nn.GroupNorm.
        register_parameter("weight", new Parameter(ones([channels], device: device)));
        register_parameter("bias", new Parameter(zeros([channels], device: device)));
        _groups = groups;
        _eps = eps;
    }

    // Parameters are registered explicitly under their official names.
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        bool video = x.dim() == 5;
        var frames = video ? FrameLayout.ToFrameBatch(x) : x;
        var y = nn.functional.group_norm(frames, _groups, get_parameter("weight")!, get_parameter("bias"), _eps);
        return (video ? FrameLayout.ToVideo(y, x.shape[2]) : y).MoveToOuterDisposeScope();
    }
}
