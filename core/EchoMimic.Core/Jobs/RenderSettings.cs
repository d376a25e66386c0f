namespace EchoMimic.Core.Jobs;

/// <summary>
/// How a job is rendered. Defaults follow the official scripts: infer.py / infer_acc.py use 768×768 at 24 fps,
/// seed 420, and 30 steps with cfg 2.5 (standard) or 6 steps with cfg 1.0 (accelerated).
/// </summary>
public sealed record RenderSettings(
    RenderMode Mode,
    int Steps,
    double Cfg,
    long Seed,
    int Width,
    int Height,
    int Fps)
{
    /// <summary>
    /// The networks' precision the job asks for; null: the worker's own setting (<c>EchoMimic__Worker__Precision</c>),
    /// else the device's default (fp16 on CUDA; bf16 on CPUs with AVX-512 BF16, else fp32).
    /// </summary>
    public Precision? Precision { get; init; }

    public static RenderSettings Standard { get; } = new(RenderMode.Standard, 30, 2.5, 420, 768, 768, 24);

    public static RenderSettings Accelerated { get; } = new(RenderMode.Accelerated, 6, 1.0, 420, 768, 768, 24);

    public static RenderSettings DefaultsFor(RenderMode mode) => mode switch
    {
        RenderMode.Accelerated => Accelerated,
        RenderMode.Preview => Standard with { Mode = RenderMode.Preview },
        _ => Standard,
    };
}
