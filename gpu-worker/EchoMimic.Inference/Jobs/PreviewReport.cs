namespace EchoMimic.Inference.Jobs;

/// <summary>report.json of a preview job: what was drawn, how long it took. No segments, no seams: nothing was denoised.</summary>
public sealed record PreviewReport(
    string Mode,
    int FrameCount,
    int Fps,
    double DurationSeconds,
    double AudioSeconds,
    int Width,
    int Height,
    double PreviewSeconds,
    string InputHash,
    string Note);
