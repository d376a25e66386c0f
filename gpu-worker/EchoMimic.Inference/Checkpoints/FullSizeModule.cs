using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>A full-size network named as its weights manifest (<c>vae</c>, <c>denoising_unet</c> ...), built on demand.</summary>
public sealed record FullSizeModule(string Name, Func<nn.Module> Build);
