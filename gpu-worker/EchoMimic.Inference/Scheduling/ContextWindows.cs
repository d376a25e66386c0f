namespace EchoMimic.Inference.Scheduling;

/// <summary>
/// The context-window schedule of the official pipeline: <c>uniform()</c> of <c>src/pipelines/context.py</c>
/// (AnimateDiff's scheduler) and the per-step shift <c>(idx + 3 * step_index) % video_length</c> of
/// <c>pipeline_echomimicv2(_acc).py</c>.
/// </summary>
public static class ContextWindows
{
    /// <summary>Frames the official pipeline shifts every window by, per denoising step.</summary>
    public const int ShiftPerStep = 3;

    /// <summary>
    /// <c>uniform(step, num_steps, num_frames, context_size, context_stride, context_overlap, closed_loop)</c>,
    /// including its quirks: <c>ordered_halving</c> (64-bit bit reversal / 2^64), Python's half-to-even
    /// <c>round</c>, the stride cap <c>ceil(log2(frames / size)) + 1</c> and closed-loop wrapping.
    /// </summary>
    public static IReadOnlyList<int[]> Uniform(long step, int numFrames, int contextSize, int contextStride, int contextOverlap, bool closedLoop)
    {
        var windows = new List<int[]>();
        if (numFrames <= contextSize)
        {
            windows.Add(Enumerable.Range(0, numFrames).ToArray());
            return windows;
        }
        contextStride = Math.Min(contextStride, (int)Math.Ceiling(Math.Log2(numFrames / (double)contextSize)) + 1);
        double halving = OrderedHalving(step);
        for (int s = 0; s < contextStride; s++)
        {
            long contextStep = 1L << s;
            long pad = (long)Math.Round(numFrames * halving, MidpointRounding.ToEven);
            long start = (long)(halving * contextStep) + pad;
            long stop = numFrames + pad + (closedLoop ? 0 : -contextOverlap);
            long increment = contextSize * contextStep - contextOverlap;
            if (increment <= 0) throw new ArgumentException("context overlap must be smaller than the context size times its step");
            for (long j = start; j < stop; j += increment)
            {
                var window = new List<int>();
                for (long e = j; e < j + contextSize * contextStep; e += contextStep) window.Add((int)(e % numFrames));
                windows.Add(window.ToArray());
            }
        }
        return windows;
    }

    /// <summary>The windows the official pipeline computes once: <c>uniform(0, steps, frames, size, 1, overlap)</c>, closed loop.</summary>
    public static IReadOnlyList<int[]> ForPipeline(int videoLength, int contextFrames = 12, int contextOverlap = 3) =>
        Uniform(0, videoLength, contextFrames, 1, contextOverlap, closedLoop: true);

    /// <summary>The windows used at denoising step <paramref name="stepIndex"/>: every index shifted by 3 per step, modulo the length.</summary>
    public static IReadOnlyList<int[]> Shifted(IReadOnlyList<int[]> windows, int stepIndex, int videoLength) =>
        windows.Select(w => w.Select(i => (int)((i + (long)ShiftPerStep * stepIndex) % videoLength)).ToArray()).ToArray();

    /// <summary><c>ordered_halving(val)</c>: the 64-bit binary of val reversed, divided by 2^64.</summary>
    public static double OrderedHalving(long value)
    {
        ulong v = (ulong)value, reversed = 0;
        for (int bit = 0; bit < 64; bit++)
        {
            reversed = (reversed << 1) | (v & 1);
            v >>= 1;
        }
        // Python divides two ints with correct rounding; the divisor is a power of two, so rounding the
        // numerator to double first gives the same value.
        return reversed / 18446744073709551616.0;
    }
}
