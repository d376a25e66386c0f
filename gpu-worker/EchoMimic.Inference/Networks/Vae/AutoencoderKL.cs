using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Vae;

/// <summary>
/// diffusers <c>AutoencoderKL</c> (sd-vae-ft-mse in EchoMimicV2). Keys: <c>encoder.*</c>, <c>decoder.*</c>,
/// <c>quant_conv.*</c>, <c>post_quant_conv.*</c>. The pipeline uses <see cref="EncodeMean"/> (then multiplies by
/// <see cref="VaeConfig.ScalingFactor"/> itself) and <see cref="Decode"/> on latents already divided by it.
/// </summary>
public sealed class AutoencoderKL : ExplicitModule<Tensor, Tensor>
{
    private readonly VaeEncoder _encoder;
    private readonly VaeDecoder _decoder;
    private readonly Conv2d? _quantConv;
    private readonly Conv2d? _postQuantConv;

    public VaeConfig Config { get; }

    /// <param name="config">Module configuration (<see cref="VaeConfig.Official"/> for sd-vae-ft-mse).</param>
    /// <param name="device">Where parameters are created; <c>torch.META</c> builds the layout without allocating.</param>
    public AutoencoderKL(VaeConfig config, Device? device = null) : base(nameof(AutoencoderKL))
    {
        Config = config.Validated();
        _encoder = new VaeEncoder(config, device);
        _decoder = new VaeDecoder(config, device);
        register_module("encoder", _encoder);
        register_module("decoder", _decoder);
        if (config.UseQuantConv)
        {
            _quantConv = nn.Conv2d(2 * config.LatentChannels, 2 * config.LatentChannels, 1, device: device);
            register_module("quant_conv", _quantConv);
        }
        if (config.UsePostQuantConv)
        {
            _postQuantConv = nn.Conv2d(config.LatentChannels, config.LatentChannels, 1, device: device);
            register_module("post_quant_conv", _postQuantConv);
        }
    }

    /// <summary>The parameters' dtype: inputs are cast to it (the pipeline keeps its own tensors in float32).</summary>
    public ScalarType DType => _decoder.parameters().First().dtype;

    /// <summary><c>vae.encode(x).latent_dist</c>: image (b, 3, H, W) in [-1, 1] -> mean, clamped logvar and std (b, 4, H/8, W/8).</summary>
    public LatentDistribution Encode(Tensor image)
    {
        using var scope = NewDisposeScope();
        var moments = _encoder.forward(image.to_type(DType));
        if (_quantConv is not null) moments = _quantConv.forward(moments);
        var parts = moments.chunk(2, 1);
        var mean = parts[0].contiguous();
        var logvar = parts[1].clamp(-30.0, 20.0);
        var std = (logvar * 0.5).exp();
        return new LatentDistribution(mean.MoveToOuterDisposeScope(), logvar.MoveToOuterDisposeScope(), std.MoveToOuterDisposeScope());
    }

    /// <summary><c>vae.encode(x).latent_dist.mean</c>: the unscaled posterior mean (the pipeline multiplies by 0.18215).</summary>
    public Tensor EncodeMean(Tensor image)
    {
        using var scope = NewDisposeScope();
        return Encode(image).Mean.MoveToOuterDisposeScope();
    }

    /// <summary><c>vae.decode(z).sample</c>: latents (b, 4, h, w), already multiplied by 1/0.18215 -> image (b, 3, 8h, 8w), unclamped.</summary>
    public Tensor Decode(Tensor latents)
    {
        using var scope = NewDisposeScope();
        var z = latents.to_type(DType);
        if (_postQuantConv is not null) z = _postQuantConv.forward(z);
        return _decoder.forward(z).MoveToOuterDisposeScope();
    }

    /// <summary>Encode to the posterior mean and decode it again (a reconstruction, for smoke tests).</summary>
    public override Tensor forward(Tensor image)
    {
        using var scope = NewDisposeScope();
        return Decode(EncodeMean(image)).MoveToOuterDisposeScope();
    }
}
