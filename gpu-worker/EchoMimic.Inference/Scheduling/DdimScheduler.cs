using static TorchSharp.torch;

namespace EchoMimic.Inference.Scheduling;

/// <summary>The result of one DDIM step: the next latents and the model's estimate of the clean latents.</summary>
public sealed record DdimStepResult(Tensor PrevSample, Tensor PredOriginalSample);

/// <summary>
/// diffusers' <c>DDIMScheduler</c> as EchoMimicV2 configures it (<c>configs/inference/inference_v2.yaml</c>,
/// used by both infer.py and infer_acc.py): linear betas 0.00085-0.012 in float32, zero-terminal-SNR rescale,
/// trailing timestep spacing, v-prediction, eta 0, <c>set_alpha_to_one</c>. <c>steps_offset = 1</c> is part of
/// the config but has no effect with trailing spacing.
/// </summary>
public sealed class DdimScheduler
{
    public const int TrainTimesteps = 1000;
    public const float BetaStart = 0.00085f;
    public const float BetaEnd = 0.012f;

    /// <summary><c>final_alpha_cumprod</c> with <c>set_alpha_to_one = True</c>.</summary>
    public const float FinalAlphaCumprod = 1.0f;

    /// <summary>DDIM's <c>init_noise_sigma</c>; <c>scale_model_input</c> is the identity.</summary>
    public const float InitNoiseSigma = 1.0f;

    private readonly float[] _alphasCumprod;

    public float[] Betas { get; }
    public IReadOnlyList<float> AlphasCumprod => _alphasCumprod;

    /// <summary>The timesteps of the current schedule, in the order they are run (999 first).</summary>
    public long[] Timesteps { get; private set; } = [];

    public int NumInferenceSteps { get; private set; }

    public DdimScheduler()
    {
        // Computed with libtorch in float32, in the order diffusers does it (betas_for linear ->
        // rescale_zero_terminal_snr -> cumprod), so rounding follows the official tensors.
        using var scope = NewDisposeScope();
        var betas = linspace(BetaStart, BetaEnd, TrainTimesteps, dtype: ScalarType.Float32);
        betas = RescaleZeroTerminalSnr(betas);
        var alphasCumprod = cumprod(1.0f - betas, 0);
        Betas = betas.data<float>().ToArray();
        _alphasCumprod = alphasCumprod.data<float>().ToArray();
    }

    /// <summary>diffusers' <c>rescale_zero_terminal_snr</c> (Lin et al. 2023, Algorithm 1): alphas_cumprod[999] becomes 0.</summary>
    private static Tensor RescaleZeroTerminalSnr(Tensor betas)
    {
        var alphas = 1.0f - betas;
        var alphasCumprod = cumprod(alphas, 0);
        var sqrtBar = alphasCumprod.sqrt();
        var first = sqrtBar[0].clone();
        var last = sqrtBar[-1].clone();
        sqrtBar = sqrtBar - last;
        sqrtBar = sqrtBar * (first / (first - last));
        var bar = sqrtBar.pow(2);
        var ratios = bar[TensorIndex.Slice(1)] / bar[TensorIndex.Slice(null, -1)];
        alphas = cat([bar[TensorIndex.Slice(0, 1)], ratios]);
        return 1.0f - alphas;
    }

    /// <summary>
    /// <c>set_timesteps(N)</c> with trailing spacing: <c>round(arange(1000, 0, -1000/N)) - 1</c>, with numpy's
    /// arange semantics (length <c>ceil(-1000 / step)</c>, values <c>start + i * delta</c> where delta is recomputed
    /// from the first two values) and numpy's round-half-to-even.
    /// </summary>
    public void SetTimesteps(int numInferenceSteps)
    {
        if (numInferenceSteps < 1 || numInferenceSteps > TrainTimesteps)
            throw new ArgumentOutOfRangeException(nameof(numInferenceSteps), numInferenceSteps, "steps must be 1..1000");
        NumInferenceSteps = numInferenceSteps;
        double step = -(TrainTimesteps / (double)numInferenceSteps);
        double start = TrainTimesteps;
        long length = (long)Math.Ceiling((0 - start) / step);
        double delta = (start + step) - start;
        var timesteps = new long[length];
        for (long i = 0; i < length; i++)
        {
            double value = i == 0 ? start : i == 1 ? start + step : start + i * delta;
            timesteps[i] = (long)Math.Round(value, MidpointRounding.ToEven) - 1;
        }
        Timesteps = timesteps;
    }

    /// <summary>The previous timestep of DDIM's step: <c>t - 1000 // N</c> (not the next listed timestep).</summary>
    public long PreviousTimestep(long timestep) => timestep - TrainTimesteps / NumInferenceSteps;

    public float AlphaCumprod(long timestep) => _alphasCumprod[timestep];

    /// <summary>alphas_cumprod[prev] when prev &gt;= 0, else the final alpha 1.0 (set_alpha_to_one).</summary>
    public float AlphaCumprodPrev(long timestep)
    {
        var prev = PreviousTimestep(timestep);
        return prev >= 0 ? _alphasCumprod[prev] : FinalAlphaCumprod;
    }

    /// <summary>
    /// <c>step(model_output, t, sample, eta=0)</c> for v-prediction: x0 = sqrt(a) x - sqrt(1-a) v,
    /// eps = sqrt(a) v + sqrt(1-a) x, prev = sqrt(a_prev) x0 + sqrt(1 - a_prev) eps. Scalars are float32 as the
    /// official 0-dim tensors are.
    /// </summary>
    public DdimStepResult Step(Tensor modelOutput, long timestep, Tensor sample)
    {
        if (NumInferenceSteps == 0) throw new InvalidOperationException("call SetTimesteps first");
        float alphaProd = _alphasCumprod[timestep];
        float alphaProdPrev = AlphaCumprodPrev(timestep);
        float betaProd = 1f - alphaProd;
        float sqrtAlpha = MathF.Sqrt(alphaProd), sqrtBeta = MathF.Sqrt(betaProd);
        var predOriginal = sample * sqrtAlpha - modelOutput * sqrtBeta;
        var predEpsilon = modelOutput * sqrtAlpha + sample * sqrtBeta;
        float directionScale = MathF.Sqrt(1f - alphaProdPrev);
        var prev = predOriginal * MathF.Sqrt(alphaProdPrev) + predEpsilon * directionScale;
        return new DdimStepResult(prev, predOriginal);
    }
}
