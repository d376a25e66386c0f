namespace EchoMimic.Inference.Hub;

/// <summary>
/// Retry and timeout settings of <see cref="HubFileDownloader"/>. A broken transfer is retried up to
/// <see cref="Attempts"/> times in all, each retry resuming from the <c>.part</c> file after
/// <see cref="RetryDelay"/> x the retry's number; a server that sends nothing for <see cref="IdleTimeout"/> counts as
/// a broken transfer. Waits run on <see cref="Time"/>.
/// </summary>
public sealed record HubDownloadOptions
{
    public int Attempts { get; init; } = 5;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often (in bytes) a <see cref="DownloadStage.Receiving"/> report is made.</summary>
    public int ReportEveryBytes { get; init; } = 1 << 20;
}
