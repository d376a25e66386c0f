namespace EchoMimic.Core.Jobs;

public enum RenderMode
{
    /// <summary>The official infer.py settings (30 steps, cfg 2.5).</summary>
    Standard,

    /// <summary>The official infer_acc.py settings with the accelerated (distilled) denoiser (6 steps, cfg 1.0).</summary>
    Accelerated,

    /// <summary>
    /// A cheap preview: the pose maps drawn over the portrait with the audio, no denoising (Prepare + a preview stage
    /// on a worker), to check gesture, framing and timing before paying for a render. Steps and cfg are ignored.
    /// </summary>
    Preview,
}
