namespace EchoMimic.Inference.Hub;

/// <summary>What a <see cref="DownloadProgress"/> report is about.</summary>
public enum DownloadStage
{
    /// <summary>Bytes are arriving; <see cref="DownloadProgress.ResumedFrom"/> is what an earlier transfer left.</summary>
    Receiving,

    /// <summary>The transfer broke off and is retried from the <c>.part</c> file.</summary>
    Retrying,

    /// <summary>All bytes are in; the size and checksum are being checked.</summary>
    Verifying,
}
