using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// Scaled dot-product attention of (B, H, T, d) queries over (B, H, S, d) keys and values, by the kernel
/// <see cref="Kernel"/> names. On this CPU libtorch's fused sdpa in bfloat16 runs no faster than in float32, while
/// bfloat16 matmuls run 2 to 3 times faster, so <see cref="AttentionKernel.Auto"/> picks matmul + softmax for
/// bfloat16 (measured by `echomimic bench unet`).
/// </summary>
public static class AttentionKernels
{
    /// <summary>Elements of one chunk's score matrix (B·H rows × T × S): 16 M, i.e. 32 MB in bfloat16.</summary>
    private const long ChunkScoreElements = 16L << 20;

    /// <summary>The process-wide choice (the benchmark sets it to compare kernels).</summary>
    public static AttentionKernel Kernel { get; set; } = AttentionKernel.Auto;

    public static AttentionKernel Resolve(ScalarType dtype) => Kernel switch
    {
        AttentionKernel.Auto => dtype == ScalarType.BFloat16 ? AttentionKernel.MatmulSoftmax : AttentionKernel.Sdpa,
        var chosen => chosen,
    };

    public static Tensor Attend(Tensor q, Tensor k, Tensor v) =>
        Resolve(q.dtype) == AttentionKernel.MatmulSoftmax ? MatmulSoftmax(q, k, v) : nn.functional.scaled_dot_product_attention(q, k, v);

    /// <summary>softmax(q kᵀ / sqrt(d)) v over chunks of the flattened B·H sequences.</summary>
    public static Tensor MatmulSoftmax(Tensor q, Tensor k, Tensor v)
    {
        using var scope = NewDisposeScope();
        long b = q.shape[0], h = q.shape[1], t = q.shape[2], d = q.shape[3], s = k.shape[2];
        var qs = (q * (1.0 / Math.Sqrt(d))).reshape(b * h, t, d);
        var kt = k.reshape(b * h, s, d).transpose(1, 2);
        var vs = v.reshape(b * h, s, v.shape[3]);
        // Chunks of whole sequences, or of query rows of one sequence when a sequence's scores alone are larger.
        long queryRows = Math.Min(t, Math.Max(1, ChunkScoreElements / Math.Max(1, s)));
        long rows = queryRows < t ? 1 : Math.Max(1, ChunkScoreElements / Math.Max(1, t * s));
        var parts = new List<Tensor>();
        for (long start = 0; start < b * h; start += rows)
        {
            long n = Math.Min(rows, b * h - start);
            var keys = kt.narrow(0, start, n);
            var values = vs.narrow(0, start, n);
            for (long row = 0; row < t; row += queryRows)
            {
                long m = Math.Min(queryRows, t - row);
                using var scores = bmm(qs.narrow(0, start, n).narrow(1, row, m), keys);
                using var probabilities = scores.softmax(-1);
                parts.Add(bmm(probabilities, values));
            }
        }
        if (queryRows < t)
        {
            // Reassemble query blocks per sequence: parts are ordered (sequence, block).
            long blocks = (t + queryRows - 1) / queryRows;
            parts = Enumerable.Range(0, (int)(b * h)).Select(i => cat(parts.GetRange(i * (int)blocks, (int)blocks), 1)).ToList();
        }
        var output = parts.Count == 1 ? parts[0] : cat(parts, 0);
        return output.reshape(b, h, t, v.shape[3]).MoveToOuterDisposeScope();
    }
}
