using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// diffusers <c>ResnetBlock2D</c> (default time-embedding norm, output scale from the UNet config): norm1 -> SiLU
/// -> conv1 -> + time_emb_proj(SiLU(temb)) -> norm2 -> SiLU -> conv2, plus a 1x1 <c>conv_shortcut</c> when the
/// width changes. The 3-D UNet uses the same block on frame-batched activations ((b f), c, h, w): there the
/// official <c>ResnetBlock3D</c>'s inflated convs and inflated group norms are exactly these per-frame 2-D ops,
/// and its time embedding, broadcast over frames, is repeated to the frame rows.
/// </summary>
public sealed class ResnetBlock2D : nn.Module
{
    // Submodules are registered explicitly under their official names; TorchSharp's field-name registration would add duplicates.
    protected override void RegisterComponents() { }

    private readonly GroupNorm _norm1, _norm2;
    private readonly Conv2d _conv1, _conv2;
    private readonly Linear _timeEmbProj;
    private readonly Conv2d? _convShortcut;
    private readonly double _outputScale;

    public ResnetBlock2D(int inChannels, int outChannels, int tembChannels, int groups, double eps, double outputScaleFactor = 1.0, Device? device = null)
        : base(nameof(ResnetBlock2D))
    {
        _norm1 = nn.GroupNorm(groups, inChannels, eps, device: device);
        _conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1, device: device);
        _timeEmbProj = nn.Linear(tembChannels, outChannels, device: device);
        _norm2 = nn.GroupNorm(groups, outChannels, eps, device: device);
        _conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, device: device);
        register_module("norm1", _norm1);
        register_module("conv1", _conv1);
        register_module("time_emb_proj", _timeEmbProj);
        register_module("norm2", _norm2);
        register_module("conv2", _conv2);
        if (inChannels != outChannels)
        {
            _convShortcut = nn.Conv2d(inChannels, outChannels, 1, device: device);
            register_module("conv_shortcut", _convShortcut);
        }
        _outputScale = outputScaleFactor;
    }

    /// <param name="x">(rows, c, h, w); rows = batch, or batch x frames for the 3-D UNet</param>
    /// <param name="temb">(batch, temb_channels); repeated to the rows of <paramref name="x"/> when it has fewer</param>
    public Tensor forward(Tensor x, Tensor temb)
    {
        using var scope = NewDisposeScope();
        var h = _conv1.forward(nn.functional.silu(_norm1.forward(x)));
        var t = _timeEmbProj.forward(nn.functional.silu(temb));
        if (t.shape[0] != h.shape[0]) t = t.repeat_interleave(h.shape[0] / t.shape[0], dim: 0);
        h = h.add_(t.unsqueeze(-1).unsqueeze(-1));
        h = _conv2.forward(nn.functional.silu(_norm2.forward(h)));
        var shortcut = _convShortcut is null ? x : _convShortcut.forward(x);
        var output = shortcut + h;
        if (_outputScale != 1.0) output = output.div_(_outputScale);
        return output.MoveToOuterDisposeScope();
    }
}
