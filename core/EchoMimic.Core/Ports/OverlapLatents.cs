namespace EchoMimic.Core.Ports;

/// <summary>
/// The overlap-latents file format a worker uploads next to its clip: a little-endian header
/// (int32 frames, channels, height, width) followed by float32 latents for the rendered frames in order
/// (<see cref="LatentClip"/> reads and writes it). The stitcher blends neighbouring segments' latents over the
/// overlap and decodes the blend with <see cref="ILatentDecoder"/>, rather than crossfading decoded pixels.
/// </summary>
public static class OverlapLatents
{
    public const string FileExtension = ".latents";
}
