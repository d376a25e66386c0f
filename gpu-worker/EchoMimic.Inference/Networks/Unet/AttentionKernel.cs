namespace EchoMimic.Inference.Networks.Unet;

/// <summary>How the UNets' multi-head attention is computed (the same function; docs/precision.md).</summary>
public enum AttentionKernel
{
    /// <summary>Per dtype, the kernel `bench unet` measured faster on the CPU: matmul + softmax for bfloat16, sdpa otherwise.</summary>
    Auto,

    /// <summary>libtorch's fused scaled_dot_product_attention.</summary>
    Sdpa,

    /// <summary>q·kᵀ (q pre-scaled) → softmax → ·v with batched matmuls, in chunks of sequences so the score matrix stays small.</summary>
    MatmulSoftmax,
}
