namespace EchoMimic.Inference.Networks.Unet;

/// <summary>How the UNets' multi-head attention is computed (the same function; docs/precision.md).</summary>
public enum AttentionKernel
{
    /// <summary>The kernel `bench unet --profile` measured faster on this CPU in every dtype: sdpa (2 to 4 times matmul + softmax).</summary>
    Auto,

    /// <summary>libtorch's fused scaled_dot_product_attention.</summary>
    Sdpa,

    /// <summary>q·kᵀ (q pre-scaled) → softmax → ·v with batched matmuls, in chunks of sequences so the score matrix stays small.</summary>
    MatmulSoftmax,
}
