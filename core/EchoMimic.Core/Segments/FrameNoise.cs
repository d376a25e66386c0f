namespace EchoMimic.Core.Segments;

/// <summary>
/// The seed of one frame's initial latent noise, a pure function of (job seed, global frame index). Overlapping
/// frames rendered by two segments therefore start from identical noise, and a re-rendered segment (a retry on
/// another worker) reproduces the same clip. The engine seeds one generator per frame with this value.
/// </summary>
public static class FrameNoise
{
    public static long SeedFor(long jobSeed, int globalFrameIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(globalFrameIndex);

        // SplitMix64 finaliser over the pair: neighbouring frames and neighbouring job seeds get unrelated streams.
        var x = unchecked((ulong)jobSeed * 0x9E3779B97F4A7C15UL + (ulong)globalFrameIndex + 1);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        x ^= x >> 31;

        // libtorch's manual_seed takes a non-negative 63-bit value on every platform we use.
        return (long)(x & long.MaxValue);
    }
}
