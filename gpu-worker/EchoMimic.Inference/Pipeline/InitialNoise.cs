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

    /// <summary>
    /// The per-frame generator seed: Core's <see cref="EchoMimic.Core.Segments.FrameNoise.SeedFor"/>, the one definition
    /// of "noise keyed by (seed, global frame index)" that the segment planner, the workers and the CLI share.
    /// </summary>
    public static ulong FrameSeed(long seed, long frame) => (ulong)EchoMimic.Core.Segments.FrameNoise.SeedFor(seed, checked((int)frame));
}
