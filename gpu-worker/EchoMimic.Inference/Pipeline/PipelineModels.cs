using System.Text.Json;
using TorchSharp;
using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.Torch;
using EchoMimic.Inference.Networks.PoseEncoding;
using EchoMimic.Inference.Networks.Unet;
using EchoMimic.Inference.Networks.Unet3d;
using EchoMimic.Inference.Networks.Vae;
using EchoMimic.Inference.Networks.Whisper;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Pipeline;

/// <summary>
/// The five networks of EchoMimicV2 inference, with their configs: VAE, reference UNet, denoising UNet (with motion
/// modules), pose encoder and the whisper encoder. Built from the official configs (real weights), from a fixture's
/// <c>config.modules</c>, or as seeded demo weights.
/// </summary>
public sealed class PipelineModels : IDisposable
{
    public required AutoencoderKL Vae { get; init; }
    public required ReferenceUNet2D ReferenceUnet { get; init; }
    public required EmoUNet3D DenoisingUnet { get; init; }
    public required PoseEncoder PoseEncoder { get; init; }
    public required WhisperAudioEncoder Whisper { get; init; }

    /// <summary>Where the weights came from: "demo (seed N)", a folder path, or a fixture file.</summary>
    public required string Identity { get; init; }

    public bool IsDemo { get; init; }

    /// <summary>Where the networks' parameters live (built and loaded on the CPU; <see cref="MoveTo"/> places them).</summary>
    public Device Device { get; private set; } = CPU;

    /// <summary>
    /// The dtype of the VAE, both UNets and the pose encoder (<see cref="ToPrecision"/>). Whisper stays float32 (the
    /// official pipeline loads it apart from the half-precision networks), and so do the scheduler and the latents.
    /// </summary>
    public Precision Precision { get; private set; } = Precision.Fp32;

    /// <summary>Why <see cref="Precision"/> was chosen (a flag, a setting, the device default), for logs and reports.</summary>
    public string? PrecisionReason { get; set; }

    /// <summary>VAE latent scale (0.18215 for sd-vae-ft-mse).</summary>
    public double VaeScale => Vae.Config.ScalingFactor;

    /// <summary>Builds the networks from a <c>config.modules</c> object (pipeline fixtures; the demo configs).</summary>
    public static PipelineModels FromModuleConfigs(JsonElement modules, string identity, bool isDemo = false) => new()
    {
        Vae = new AutoencoderKL(VaeConfig.FromJson(modules.GetProperty("vae"))),
        ReferenceUnet = new ReferenceUNet2D(UNet2DConfig.FromJson(modules.GetProperty("reference_unet"))),
        DenoisingUnet = new EmoUNet3D(EmoUNet3DConfig.FromJson(modules.GetProperty("denoising_unet"))),
        PoseEncoder = new PoseEncoder(PoseEncoderConfig.FromJson(modules.GetProperty("pose_encoder"))),
        Whisper = new WhisperAudioEncoder(WhisperEncoderConfig.FromJson(modules.GetProperty("whisper"))),
        Identity = identity,
        IsDemo = isDemo,
    };

    /// <summary>A pipeline fixture's networks with its <c>param.&lt;module&gt;.*</c> weights, loaded strictly.</summary>
    public static PipelineModels FromFixture(Parity.Fixture fixture, Precision precision = Precision.Fp32)
    {
        // Cast before the weights are copied in: each tensor converts on copy.
        var models = FromModuleConfigs(fixture.Config.GetProperty("modules"), fixture.Path).ToPrecision(precision);
        StateDictLoader.Load(models.Vae, fixture.StateDict("vae."), sourceName: fixture.Path);
        StateDictLoader.Load(models.ReferenceUnet, fixture.StateDict("reference_unet."), sourceName: fixture.Path);
        StateDictLoader.Load(models.DenoisingUnet, fixture.StateDict("denoising_unet."), sourceName: fixture.Path);
        StateDictLoader.Load(models.PoseEncoder, fixture.StateDict("pose_encoder."), sourceName: fixture.Path);
        WhisperCheckpoint.LoadEncoder(models.Whisper, fixture.StateDict("whisper."), fixture.Path);
        models.Eval();
        return models;
    }

    /// <summary>
    /// Moves every network (parameters and registered buffers) to <paramref name="device"/>. Renderers read
    /// <see cref="Device"/> and create their tensors there; noise is still drawn on the CPU (the generator whose draw
    /// matches the official one) and then moved.
    /// </summary>
    public PipelineModels MoveTo(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Vae.to(device);
        ReferenceUnet.to(device);
        DenoisingUnet.to(device);
        PoseEncoder.to(device);
        Whisper.to(device);
        Device = device;
        return this;
    }

    /// <summary>
    /// Casts the VAE, both UNets and the pose encoder (parameters and buffers) to <paramref name="precision"/>, one
    /// network after the other. Loaders that know the precision up front cast each network before its checkpoint is
    /// read instead (<see cref="PretrainedWeights.Load"/>), so the weights never exist in float32 first.
    /// </summary>
    public PipelineModels ToPrecision(Precision precision)
    {
        if (precision == Precision) return this;
        var dtype = precision.ToScalarType();
        Vae.to(dtype);
        ReferenceUnet.to(dtype);
        DenoisingUnet.to(dtype);
        PoseEncoder.to(dtype);
        Precision = precision;
        return this;
    }

    /// <summary>Records the precision a loader built the networks in (they are already of that dtype).</summary>
    internal PipelineModels BuiltIn(Precision precision)
    {
        Precision = precision;
        return this;
    }

    public void Eval()
    {
        Vae.eval();
        ReferenceUnet.eval();
        DenoisingUnet.eval();
        PoseEncoder.eval();
        Whisper.eval();
    }

    public void Dispose()
    {
        Vae.Dispose();
        ReferenceUnet.Dispose();
        DenoisingUnet.Dispose();
        PoseEncoder.Dispose();
        Whisper.Dispose();
    }
}
