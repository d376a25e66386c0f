using System.Diagnostics;
using EchoMimic.Inference.Networks.Unet;
using static TorchSharp.torch;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// Micro-benchmarks the benchmarks compare against: the machine's own matmul peak per dtype (an n³ matmul, best of a
/// few) and the two attention kernels at one attention shape.
/// </summary>
public static class KernelPeaks
{
    /// <summary>GFLOP/s of an n×n by n×n matmul in <paramref name="dtype"/>: best of <paramref name="repeats"/> after one warm-up.</summary>
    public static double MatmulGflops(ScalarType dtype, long n = 4096, int repeats = 3)
    {
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var a = randn([n, n]).to_type(dtype);
        var b = randn([n, n]).to_type(dtype);
        matmul(a, b).Dispose();
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            matmul(a, b).Dispose();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / best / 1e9;
    }

    /// <summary>
    /// GFLOP/s of one attention (q·kᵀ and p·v, 4·T·S·d per sequence and head) by <paramref name="kernel"/>:
    /// best of <paramref name="repeats"/> after one warm-up.
    /// </summary>
    public static double AttentionGflops(AttentionKernel kernel, ScalarType dtype, long sequences, long heads, long queries, long keys, long headDim, int repeats = 2)
    {
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var q = randn([sequences, heads, queries, headDim]).to_type(dtype);
        var k = randn([sequences, heads, keys, headDim]).to_type(dtype);
        var v = randn([sequences, heads, keys, headDim]).to_type(dtype);
        Tensor Run() => kernel == AttentionKernel.MatmulSoftmax
            ? AttentionKernels.MatmulSoftmax(q, k, v)
            : nn.functional.scaled_dot_product_attention(q, k, v);
        Run().Dispose();
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            Run().Dispose();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 4.0 * sequences * heads * queries * keys * headDim / best / 1e9;
    }
}
