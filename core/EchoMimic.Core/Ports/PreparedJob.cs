namespace EchoMimic.Core.Ports;

/// <summary>
/// What the Prepare activity produced for a job, stored as JSON in the work container and referenced by every
/// segment task. Blobs are keyed by input hashes (<paramref name="InputHash"/>) so re-running Prepare, or another
/// job with the same inputs, reuses them.
/// </summary>
public sealed record PreparedJob(
    string JobId,
    int FrameCount,
    int Fps,
    double AudioSeconds,
    string InputHash,
    string ReferenceBlob,
    string AudioBlob,
    string AudioFeaturesBlob,
    string PoseBlobPrefix);
