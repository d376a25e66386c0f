namespace EchoMimic.Core.Jobs;

/// <summary>
/// The floating-point type the networks run in (weights and activations). The scheduler, the initial noise and the
/// latents between steps stay float32 whatever is chosen (docs/precision.md).
/// </summary>
public enum Precision
{
    /// <summary>float32 everywhere.</summary>
    Fp32,

    /// <summary>bfloat16 networks: fast on CPUs with AVX-512 BF16 (and on Ampere and later GPUs).</summary>
    Bf16,

    /// <summary>float16 networks, as the official pipeline runs them (<c>weight_dtype: fp16</c>); GPU only in practice.</summary>
    Fp16,
}
