using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Vae;

/// <summary>
/// diffusers <c>ResnetBlock2D</c> as the VAE builds it: no time embedding, GroupNorm eps 1e-6, output scale 1,
/// 1x1 <c>conv_shortcut</c> only when the channel count changes. Keys: <c>norm1, conv1, norm2, conv2[, conv_shortcut]</c>.
/// </summary>
public sealed class VaeResnetBlock : ExplicitModule<Tensor, Tensor>
{
    internal const double Eps = 1e-6;

    private readonly GroupNorm _norm1;
    private readonly Conv2d _conv1;
    private readonly GroupNorm _norm2;
    private readonly Conv2d _conv2;
    private readonly Conv2d? _convShortcut;

    public VaeResnetBlock(long inChannels, long outChannels, long groups, Device? device) : base(nameof(VaeResnetBlock))
    {
        _norm1 = nn.GroupNorm(groups, inChannels, Eps, device: device);
        _conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1, device: device);
        _norm2 = nn.GroupNorm(groups, outChannels, Eps, device: device);
        _conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, device: device);
        register_module("norm1", _norm1);
        register_module("conv1", _conv1);
        register_module("norm2", _norm2);
        register_module("conv2", _conv2);
        if (inChannels != outChannels)
        {
            _convShortcut = nn.Conv2d(inChannels, outChannels, 1, device: device);
            register_module("conv_shortcut", _convShortcut);
        }
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = _conv1.forward(nn.functional.silu(_norm1.forward(input)));
        h = _conv2.forward(nn.functional.silu(_norm2.forward(h)));
        var shortcut = _convShortcut is null ? input : _convShortcut.forward(input);
        return (shortcut + h).MoveToOuterDisposeScope();
    }
}
