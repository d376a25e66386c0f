namespace EchoMimic.Inference.Pipeline;

/// <summary>How the initial latents are drawn.</summary>
public enum NoiseMode
{
    /// <summary>As the official pipeline: one <c>randn((1, 4, L, h, w))</c> from <c>torch.manual_seed(seed)</c> for the whole clip.</summary>
    Official,

    /// <summary>Each frame's noise from a generator keyed by (seed, global frame index): any frame range can be rendered alone.</summary>
    PerFrame,
}

/// <summary>The settings of one render (defaults: the official standard pipeline, infer.py).</summary>
public sealed record RenderSettings
{
    public int Width { get; init; } = 768;
    public int Height { get; init; } = 768;
    public int Steps { get; init; } = 30;
    public double GuidanceScale { get; init; } = 2.5;
    public long Seed { get; init; } = 3407;
    public double Fps { get; init; } = 24;
    public int ContextFrames { get; init; } = 12;
    public int ContextOverlap { get; init; } = 3;

    /// <summary>The accelerated pipeline (<c>pipeline_echomimicv2_acc.py</c>): v-prediction conversion per window, real CFG flag.</summary>
    public bool Accelerated { get; init; }

    public NoiseMode Noise { get; init; } = NoiseMode.Official;

    /// <summary>Classifier-free guidance runs (a doubled batch) only when the scale is above 1.</summary>
    public bool ClassifierFreeGuidance => GuidanceScale > 1.0;

    public int LatentWidth => Width / 8;
    public int LatentHeight => Height / 8;

    public static readonly RenderSettings Standard = new();

    /// <summary>infer_acc.py's defaults: 6 steps, CFG 1, seed 420.</summary>
    public static readonly RenderSettings AcceleratedDefaults = new() { Steps = 6, GuidanceScale = 1.0, Seed = 420, Accelerated = true };
}
