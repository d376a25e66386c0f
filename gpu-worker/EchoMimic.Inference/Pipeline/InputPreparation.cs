using EchoMimic.Inference.Audio;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Pipeline;

/// <summary>
/// The once-per-job steps before the denoising loop, as <c>EchoMimicV2Pipeline.__call__</c> does them: the
/// reference image through <c>VaeImageProcessor.preprocess</c> and the VAE encoder (posterior mean x 0.18215), the
/// pose encoder on every frame at once, and the whisper features cut into per-frame chunks.
/// </summary>
public static class InputPreparation
{
    /// <summary><c>VaeImageProcessor.preprocess</c> of an image already at W x H: (H, W, 3) uint8 -> (1, 3, H, W) in [-1, 1].</summary>
    public static Tensor ReferenceTensor(Tensor imageU8)
    {
        using var scope = NewDisposeScope();
        var x = imageU8.to_type(ScalarType.Float32) / 255.0f;
        return (x.permute(2, 0, 1).unsqueeze(0) * 2.0f - 1.0f).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary><c>vae.encode(x).latent_dist.mean * 0.18215</c>.</summary>
    public static Tensor ReferenceLatents(PipelineModels models, Tensor referenceTensor)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // Inputs are decoded on the CPU; the networks may live elsewhere (PipelineModels.MoveTo).
        // The VAE runs in the models' precision; the prepared latents are float32 (the UNets cast them on entry).
        return (models.Vae.EncodeMean(referenceTensor.to(models.Device)).to_type(ScalarType.Float32) * models.VaeScale).MoveToOuterDisposeScope();
    }

    /// <summary>The pose encoder on the whole (1, 3, L, H, W) pose-map tensor (official: once, before the loop).</summary>
    public static Tensor PoseFeatures(PipelineModels models, Tensor poseMaps)
    {
        using var noGrad = no_grad();
        // The moved copy (on another device) belongs to the caller's dispose scope; on the same device it is the input.
        // The pose encoder runs in the models' precision; the prepared features are float32 (exact for bf16/fp16).
        var features = models.PoseEncoder.forward(poseMaps.to(models.Device));
        return features.dtype == ScalarType.Float32 ? features : features.to_type(ScalarType.Float32);
    }

    /// <summary>
    /// Everything the loop needs. The clip is <c>min(pose frames, audio chunks)</c> frames long (the official
    /// <c>video_length = min(L, num_chunks)</c>, with L already capped by the caller).
    /// </summary>
    public static PreparedInputs Prepare(PipelineModels models, Tensor referenceImageU8, AudioFeatures audio, Tensor poseMaps)
    {
        using var scope = NewDisposeScope();
        int height = (int)referenceImageU8.shape[0], width = (int)referenceImageU8.shape[1];
        var latents = ReferenceLatents(models, ReferenceTensor(referenceImageU8));
        int frames = (int)Math.Min(poseMaps.shape[2], audio.ChunkCount);
        var pose = PoseFeatures(models, poseMaps.narrow(2, 0, frames));
        var chunks = audio.AllChunks().to(models.Device);
        return new PreparedInputs(latents.MoveToOuterDisposeScope(), pose.MoveToOuterDisposeScope(), chunks.MoveToOuterDisposeScope(), frames, width, height);
    }
}
