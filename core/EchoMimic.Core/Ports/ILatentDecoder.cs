namespace EchoMimic.Core.Ports;

/// <summary>
/// Decodes blended overlap latents into frames (the engine's VAE decoder). Optional: without it, or without
/// latents from the workers, the stitcher crossfades pixels.
/// </summary>
public interface ILatentDecoder
{
    /// <summary>Decodes <paramref name="latentsFile"/> (the <see cref="OverlapLatents"/> format) into PNG files under <paramref name="outputDirectory"/>, named %06d.png.</summary>
    Task DecodeToFramesAsync(string latentsFile, string outputDirectory, CancellationToken cancellationToken);
}
