using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Pipeline;
using RenderSettings = EchoMimic.Inference.Pipeline.RenderSettings;

namespace EchoMimic.Inference.Jobs;

/// <summary>A job's settings (Core) as the engine's render settings.</summary>
public static class EngineSettings
{
    public static RenderSettings From(Core.Jobs.RenderSettings job, NoiseMode noise)
    {
        var defaults = job.Mode == RenderMode.Accelerated ? RenderSettings.AcceleratedDefaults : RenderSettings.Standard;
        return defaults with
        {
            Width = job.Width,
            Height = job.Height,
            Steps = job.Steps,
            GuidanceScale = job.Cfg,
            Seed = job.Seed,
            Fps = job.Fps,
            Accelerated = job.Mode == RenderMode.Accelerated,
            Noise = noise,
        };
    }
}
