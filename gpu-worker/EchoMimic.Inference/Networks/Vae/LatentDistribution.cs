using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Vae;

/// <summary>The diagonal Gaussian posterior of <see cref="AutoencoderKL.Encode"/>: logvar clamped to [-30, 20] as diffusers does.</summary>
public sealed record LatentDistribution(Tensor Mean, Tensor LogVar, Tensor Std);
