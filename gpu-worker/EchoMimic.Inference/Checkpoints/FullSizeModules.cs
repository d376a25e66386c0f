using EchoMimic.Inference.Networks.PoseEncoding;
using EchoMimic.Inference.Networks.Unet;
using EchoMimic.Inference.Networks.Unet3d;
using EchoMimic.Inference.Networks.Vae;
using EchoMimic.Inference.Networks.Whisper;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// The official networks at full size, for <c>echomimic weights layout</c> and the layout test. Every builder creates
/// its module on the meta device: no weights are allocated (the two UNets alone are about 8.5 GB in float32).
/// </summary>
public static class FullSizeModules
{
    /// <summary>The official code builds the whole Whisper; EchoMimicV2 only runs its encoder, so only that is built here.</summary>
    public static readonly ToleratedPrefix WhisperDecoderNotBuilt = new("decoder.",
        "EchoMimicV2 only runs Whisper's encoder (Audio2Feature); the decoder is not built, its 100 tiny.pt keys are read and discarded",
        ToleratedDifference.Missing);

    public static IReadOnlyList<FullSizeModule> All { get; } =
    [
        new("vae", () => new AutoencoderKL(VaeConfig.Official, META)),
        new("reference_unet", () => new ReferenceUNet2D(UNet2DConfig.Official, META)),
        new("denoising_unet", () => new EmoUNet3D(EmoUNet3DConfig.Official, META)),
        new("pose_encoder", () => new PoseEncoder(PoseEncoderConfig.Official, META)),
        new("whisper_tiny", () => new WhisperAudioEncoder(WhisperEncoderConfig.Tiny, META), WhisperModelFile.EncoderPrefix, WhisperDecoderNotBuilt),
    ];
}
