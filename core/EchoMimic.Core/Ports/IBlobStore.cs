namespace EchoMimic.Core.Ports;

/// <summary>
/// Blob storage with commit semantics (architecture.md, reliability rules): a write goes to a temporary name and
/// becomes visible under its final name only when complete (rename on the file system, commit-block-list on Azure),
/// so a reader never sees a partial blob and a crashed writer leaves nothing under the final name.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Writes <paramref name="content"/> and commits it under <paramref name="path"/>. With
    /// <paramref name="overwrite"/> false, an existing blob is kept and the call returns false (first writer wins,
    /// which is how idempotent activities and redelivered segment tasks avoid double work).
    /// </summary>
    Task<bool> PutAsync(BlobPath path, Stream content, bool overwrite, CancellationToken cancellationToken);

    /// <summary>Opens a committed blob for reading; null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(BlobPath path, CancellationToken cancellationToken);

    /// <summary>The committed blob's properties; null when it does not exist.</summary>
    Task<BlobInfo?> GetInfoAsync(BlobPath path, CancellationToken cancellationToken);

    /// <summary>Committed blobs of <paramref name="container"/> whose names start with <paramref name="prefix"/>, by name.</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(string container, string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes a blob; false when there was none.</summary>
    Task<bool> DeleteAsync(BlobPath path, CancellationToken cancellationToken);

    /// <summary>
    /// An address a caller outside the process can use for the blob (a file URI locally, a blob URL or SAS on Azure);
    /// it goes into webhooks and job status.
    /// </summary>
    Uri GetUri(BlobPath path);
}
