namespace EchoMimic.Inference.Hub;

/// <summary>
/// A progress report of one file's download: bytes in the <c>.part</c> file so far, the expected total when the
/// server gave one, and how many bytes were already there when this transfer started (a resumed download).
/// </summary>
public sealed record DownloadProgress(string File, DownloadStage Stage, long Received, long? Total, long ResumedFrom = 0)
{
    /// <summary>Why a transfer is retried (for <see cref="DownloadStage.Retrying"/>).</summary>
    public string? Reason { get; init; }
}
