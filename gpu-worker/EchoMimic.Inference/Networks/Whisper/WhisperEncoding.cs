using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Whisper;

/// <summary>What one encoder call returns: the final output (after <c>ln_post</c>) and the per-layer stack EchoMimicV2 uses.</summary>
public sealed record WhisperEncoding(Tensor Output, Tensor Embeddings);
