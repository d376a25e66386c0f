using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// <c>motion_module_type: Vanilla</c> (<c>VanillaTemporalModule</c>): only holds <c>temporal_transformer</c>; the time
/// embedding it receives is unused in the official forward.
/// </summary>
public sealed class VanillaTemporalModule : nn.Module
{
    private readonly TemporalTransformer3DModel _temporalTransformer;

    public VanillaTemporalModule(int channels, MotionModuleConfig config, Device? device = null) : base(nameof(VanillaTemporalModule))
    {
        _temporalTransformer = new TemporalTransformer3DModel(channels, config, device: device);
        register_module("temporal_transformer", _temporalTransformer);
    }

    // Submodules are registered explicitly under their official names.
    protected override void RegisterComponents() { }

    public Tensor forward(Tensor x, long frames) => _temporalTransformer.forward(x, frames);
}
