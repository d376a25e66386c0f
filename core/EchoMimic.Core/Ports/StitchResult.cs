namespace EchoMimic.Core.Ports;

/// <summary>
/// The stitched outputs. <paramref name="SeamRatio"/> is the mean frame-to-frame difference across seams divided
/// by the mean inside segments (1 ≈ invisible seams; it says nothing about quality with random weights).
/// </summary>
public sealed record StitchResult(
    string VideoBlob,
    string PosterBlob,
    string ReportBlob,
    int FrameCount,
    double DurationSeconds,
    double? SeamRatio);
