using static TorchSharp.torch;

namespace EchoMimic.Inference.Pipeline;

/// <summary>
/// The initial latents of <c>prepare_latents_smooth</c>: standard normal noise clamped to [-1.5, 1.5], times
/// <c>init_noise_sigma</c> (1). libtorch's CPU generator gives the same float32 draw as torch's
/// <c>torch.manual_seed(seed); torch.randn(shape)</c>.
/// </summary>
public static class InitialNoise
{
    public const double Clamp = 1.5;

    /// <summary>The unclamped official draw: <c>torch.manual_seed(seed); torch.randn(shape)</c> in float32 on the CPU.</summary>
    public static Tensor OfficialDraw(long seed, long[] shape)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        return randn(shape, ScalarType.Float32, generator: generator);
    }

    /// <summary>Latents for frames [start, start + count) of a clip of <paramref name="totalFrames"/> frames: (1, 4, count, h, w).</summary>
    public static Tensor Latents(NoiseMode mode, long seed, int totalFrames, int start, int count, int latentHeight, int latentWidth)
    {
        using var scope = NewDisposeScope();
        Tensor noise;
        if (mode == NoiseMode.Official)
        {
            // One draw for the whole clip (the official behaviour); a frame range is a slice of it.
            var all = OfficialDraw(seed, [1, 4, totalFrames, latentHeight, latentWidth]);
            noise = all.narrow(2, start, count);
        }
        else
        {
            var frames = new Tensor[count];
            for (int i = 0; i < count; i++)
            {
                using var generator = new TorchSharp.torch.Generator(FrameSeed(seed, start + i));
                frames[i] = randn([1, 4, 1, latentHeight, latentWidth], ScalarType.Float32, generator: generator);
            }
            noise = cat(frames, 2);
        }
        return noise.clamp(-Clamp, Clamp).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The per-frame generator seed: SplitMix64 of (seed, frame), so neighbouring frames get unrelated streams.</summary>
    public static ulong FrameSeed(long seed, long frame)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)frame + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (z ^ (z >> 31)) & 0x7FFFFFFFFFFFFFFFUL;
    }
}
