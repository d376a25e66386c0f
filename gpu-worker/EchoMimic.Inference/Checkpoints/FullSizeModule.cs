using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// A full-size network named as its weights manifest (<c>vae</c>, <c>denoising_unet</c> ...), built on demand.
/// <paramref name="KeyPrefix"/> is prepended to the module's keys to give the checkpoint's keys (whisper's encoder is
/// built alone, its keys are <c>encoder.*</c> in tiny.pt); manifest rows under <paramref name="NotBuilt"/> are parts
/// of the official model this project deliberately does not build (whisper's decoder).
/// </summary>
public sealed record FullSizeModule(string Name, Func<nn.Module> Build, string KeyPrefix = "", ToleratedPrefix? NotBuilt = null);
