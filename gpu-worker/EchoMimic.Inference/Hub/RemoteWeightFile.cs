namespace EchoMimic.Inference.Hub;

/// <summary>
/// One file to fetch into the weights folder: where it goes (<paramref name="RelativePath"/>, '/'-separated), the
/// URL it comes from, the hub repository it belongs to (null for a file outside the hub), and its SHA-256 when it
/// is known before asking the server (Whisper's URL carries it). For hub LFS files the hub's
/// <c>X-Linked-Etag</c> supplies the SHA-256 at download time.
/// </summary>
public sealed record RemoteWeightFile(string RelativePath, Uri Url, string? Repo, string? Sha256 = null)
{
    /// <summary>What to tell a user who cannot get this file: the variable that points it elsewhere.</summary>
    public string SourceVariable => Repo is null ? HubSettings.WhisperTinyUrlVariable : HubSettings.EndpointVariable;
}
