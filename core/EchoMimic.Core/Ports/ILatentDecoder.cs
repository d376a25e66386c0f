namespace EchoMimic.Core.Ports;

/// <summary>
/// Decodes latents into frames (the engine's VAE decoder), for the stitcher's latent blending. Optional: without it,
/// or without latents from the workers, the stitcher crossfades pixels.
/// </summary>
public interface ILatentDecoder
{
    /// <summary>
    /// Decodes every frame of <paramref name="latents"/> into packed RGB24 (height·8 × width·8 × 3 bytes, row-major),
    /// converted exactly as the workers convert their segment clips, so a decoded frame and a clip frame compare.
    /// </summary>
    Task<IReadOnlyList<byte[]>> DecodeAsync(LatentClip latents, CancellationToken cancellationToken);
}
