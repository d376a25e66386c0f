using static TorchSharp.torch;

namespace EchoMimic.Inference.Scheduling;

/// <summary>
/// The accelerated pipeline's per-window conversion of the UNet's v-prediction (<c>src/pipelines/step_func.py</c>):
/// x0 = a_t x - b_t v, then a "pseudo velocity" relative to timestep -1 (alpha 1): (x0 - a_t x) / (-b_t).
/// Mathematically the same v; kept because the rounding differs slightly from using v directly.
/// </summary>
public static class VelocityConversion
{
    /// <summary><c>origin_by_velocity_and_sample(v, x, alphas_cumprod, t)</c>.</summary>
    public static Tensor OriginFromVelocity(Tensor velocity, Tensor sample, DdimScheduler scheduler, long timestep)
    {
        float alpha = scheduler.AlphaCumprod(timestep);
        return sample * MathF.Sqrt(alpha) - velocity * MathF.Sqrt(1f - alpha);
    }

    /// <summary><c>psuedo_velocity_wrt_noisy_and_timestep(x, x0, alphas_cumprod, t, -1)</c>.</summary>
    public static Tensor PseudoVelocity(Tensor sample, Tensor origin, DdimScheduler scheduler, long timestep)
    {
        float alpha = scheduler.AlphaCumprod(timestep);
        return (origin - sample * MathF.Sqrt(alpha)) / -MathF.Sqrt(1f - alpha);
    }

    /// <summary>Both conversions in a row, as the accelerated pipeline applies them to each window's prediction.</summary>
    public static Tensor Apply(Tensor velocity, Tensor sample, DdimScheduler scheduler, long timestep)
    {
        using var origin = OriginFromVelocity(velocity, sample, scheduler, timestep);
        return PseudoVelocity(sample, origin, scheduler, timestep);
    }
}
