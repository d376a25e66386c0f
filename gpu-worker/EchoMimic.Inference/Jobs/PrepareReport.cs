namespace EchoMimic.Inference.Jobs;

/// <summary>
/// What preparing a job found out, stored beside the prepared data (<see cref="PreparedBlobs.Report"/>) so report.json
/// can tell the inputs' SHA-256, the gesture's length and the deviations from the official pipeline whichever
/// process prepared the job.
/// </summary>
public sealed record PrepareReport(
    string InputHash,
    int FrameCount,
    int Fps,
    double AudioSeconds,
    int Width,
    int Height,
    string ReferenceSha256,
    string AudioSha256,
    string PoseSource,
    string PoseSha256,
    int GestureFrames,
    string Weights,
    bool DemoWeights,
    IReadOnlyList<string> Deviations,
    IReadOnlyDictionary<string, double> TimingsSeconds);
