using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// Per-call values every block of the denoising UNet needs: the time embedding (batch, 4 C0), the frame count f of
/// the frame-batched activations ((b f), c, h, w), the audio tokens ((b f), n, cross_attention_dim) and the reader bank.
/// </summary>
public sealed record DenoisingStep(Tensor TimeEmbedding, long Frames, Tensor Audio, ReaderBank? Bank);
