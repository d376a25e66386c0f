namespace EchoMimic.Inference.Hub;

/// <summary>A file in its final place: its size, the SHA-256 it was verified against (null when no source gives one).</summary>
public sealed record DownloadResult(RemoteWeightFile File, string Path, long Bytes, DownloadOutcome Outcome, string? VerifiedSha256);
