using EchoMimic.Core;
using TorchSharp;
using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Torch;
using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.Networks.PoseEncoding;
using EchoMimic.Inference.Networks.Unet;
using EchoMimic.Inference.Networks.Unet3d;
using EchoMimic.Inference.Networks.Vae;
using EchoMimic.Inference.Networks.Whisper;

namespace EchoMimic.Inference.Pipeline;

/// <summary>
/// Loads the official <c>pretrained_weights/</c> folder unchanged (no conversion step), after
/// <see cref="WeightsCheck"/> has accepted it for the chosen schedule: sd-vae-ft-mse, reference_unet.pth,
/// motion_module(_acc).pth + denoising_unet(_acc).pth, pose_encoder.pth and audio_processor/tiny.pt.
/// </summary>
public static class PretrainedWeights
{
    /// <summary>reference_unet.pth is a whole UNet2DConditionModel; the reference pass never uses its output head.</summary>
    private static readonly ToleratedPrefix[] ReferenceHead =
    [
        new("conv_norm_out.", "the reference UNet's output head is unused (only its attention bank is)", ToleratedDifference.Unexpected),
        new("conv_out.", "the reference UNet's output head is unused (only its attention bank is)", ToleratedDifference.Unexpected),
    ];

    /// <summary>Checks the folder for the schedule; an <see cref="InputException"/> listing what is missing or wrong when it fails.</summary>
    public static void Require(string directory, bool accelerated)
    {
        var report = WeightsCheck.Run(directory, accelerated);
        if (report.Passed) return;
        var problems = report.Files.Where(f => !f.Passed).Select(f => f.RelativePath).ToArray();
        throw new InputException(directory, $"weights folder fails `weights check` for the {(accelerated ? "accelerated" : "standard")} pipeline: {string.Join(", ", problems)} missing or wrong (run `echomimic weights check {directory}` for details)");
    }

    /// <summary>
    /// Builds the networks in <paramref name="precision"/> (each cast right after it is built, before the next one is
    /// built) and reads every checkpoint tensor straight into its parameter, converting dtype per tensor: the weights
    /// never exist as a full float32 copy. Whisper stays float32.
    /// </summary>
    public static PipelineModels Load(string directory, bool accelerated, Precision precision = Precision.Fp32)
    {
        Require(directory, accelerated);
        var dtype = precision.ToScalarType();
        var models = new PipelineModels
        {
            Vae = new AutoencoderKL(VaeConfig.Official).to(dtype),
            ReferenceUnet = new ReferenceUNet2D(UNet2DConfig.Official).to(dtype),
            DenoisingUnet = new EmoUNet3D(EmoUNet3DConfig.Official).to(dtype),
            PoseEncoder = new PoseEncoder(PoseEncoderConfig.Official).to(dtype),
            Whisper = new WhisperAudioEncoder(WhisperEncoderConfig.Official),
            Identity = Path.GetFullPath(directory) + (accelerated ? " (accelerated)" : " (standard)"),
        };
        models.BuiltIn(precision);
        using (var vae = DiffusersFolder.Open(Path.Combine(directory, WeightsCheck.VaeFolder)))
            StateDictLoader.Load(models.Vae, vae.StateDict(), sourceName: vae.WeightsFile);
        using (var reference = CheckpointReader.Open(Path.Combine(directory, "reference_unet.pth")))
            StateDictLoader.Load(models.ReferenceUnet, reference.StateDict(), ReferenceHead, reference.Path);
        DenoisingUNetWeights.Load(models.DenoisingUnet, directory, accelerated, officialLeniency: true);
        using (var pose = CheckpointReader.Open(Path.Combine(directory, "pose_encoder.pth")))
            StateDictLoader.Load(models.PoseEncoder, pose.StateDict(), sourceName: pose.Path);
        using (var whisper = WhisperModelFile.Open(Path.Combine(directory, "audio_processor", "tiny.pt")))
            WhisperCheckpoint.LoadEncoder(models.Whisper, whisper.StateDict(), whisper.Checkpoint.Path);
        models.Eval();
        return models;
    }
}
