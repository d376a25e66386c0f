using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EchoMimic.Core.Ports;
using BlobInfo = EchoMimic.Core.Ports.BlobInfo;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// <see cref="IBlobStore"/> on Azure Blob Storage (and Azurite). Commit semantics come from block blobs: the SDK
/// stages the content as uncommitted blocks and the blob appears under its name only when the block list is
/// committed, so a crashed writer leaves nothing visible. "First writer wins" is an <c>If-None-Match: *</c>
/// condition on that commit, which the service evaluates atomically. With <c>provision</c> false (Azure: bicep
/// creates the containers, and a worker's roles are scoped to them) no container is created and a missing one is a
/// <see cref="MissingStorageResourceException"/> naming it, on reads as well as writes.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    private readonly BlobServiceClient service;
    private readonly string containerPrefix;
    private readonly ConcurrentDictionary<string, Task> ensuredContainers = new(StringComparer.Ordinal);
    private readonly bool provision;

    /// <param name="service">The account (DefaultAzureCredential in Azure, the Azurite connection string locally).</param>
    /// <param name="containerPrefix">
    /// Prepended to every container name, so several stacks or test runs can share one account (Azurite has only
    /// one); empty in Azure, where Bicep creates the containers by their plain names.
    /// </param>
    /// <param name="provision">Create containers on first write (Azurite, local stacks); false in Azure.</param>
    public AzureBlobStore(BlobServiceClient service, string containerPrefix = "", bool provision = true)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(containerPrefix);
        this.service = service;
        this.containerPrefix = containerPrefix;
        this.provision = provision;
    }

    public async Task<bool> PutAsync(BlobPath path, Stream content, bool overwrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await EnsureContainerAsync(path.Container, cancellationToken).ConfigureAwait(false);
        var blob = Blob(path);
        if (!overwrite && await Named(path.Container, () => blob.ExistsAsync(cancellationToken)).ConfigureAwait(false))
        {
            // Cheap early exit; the conditional commit below still decides a race.
            return false;
        }

        var options = new BlobUploadOptions
        {
            Conditions = overwrite ? null : new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        try
        {
            await Named(path.Container, () => blob.UploadAsync(content, options, cancellationToken)).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (!overwrite && e.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<Stream?> OpenReadAsync(BlobPath path, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Blob(path).DownloadStreamingAsync(cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return response.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            ThrowIfMissingContainer(path.Container, e);
            return null;
        }
    }

    public async Task<BlobInfo?> GetInfoAsync(BlobPath path, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await Blob(path).GetPropertiesAsync(cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return new BlobInfo(path, properties.Value.ContentLength, properties.Value.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            ThrowIfMissingContainer(path.Container, e);
            return null;
        }
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string container, string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = service.GetBlobContainerClient(containerPrefix + container);
        if (!await client.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!provision)
            {
                throw new MissingStorageResourceException("container", containerPrefix + container);
            }

            yield break;
        }

        // The service lists blob names in lexicographic (ordinal UTF-8) order, which is the port's "by name".
        var pages = client.GetBlobsAsync(new GetBlobsOptions { Prefix = string.IsNullOrEmpty(prefix) ? null : prefix },
            cancellationToken);
        await foreach (var item in pages.ConfigureAwait(false))
        {
            yield return new BlobInfo(new BlobPath(container, item.Name), item.Properties.ContentLength ?? 0,
                item.Properties.LastModified ?? DateTimeOffset.MinValue);
        }
    }

    public async Task<bool> DeleteAsync(BlobPath path, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Blob(path).DeleteIfExistsAsync(cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return response.Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            ThrowIfMissingContainer(path.Container, e);
            return false;
        }
    }

    public Uri GetUri(BlobPath path) => Blob(path).Uri;

    // BlobClient (not BlockBlobClient): large files are uploaded as staged blocks in parallel and committed once.
    private BlobClient Blob(BlobPath path) =>
        service.GetBlobContainerClient(containerPrefix + path.Container).GetBlobClient(path.Name);

    // Bicep creates the containers in Azure; Azurite and fresh local stacks need them created on first write.
    private async Task EnsureContainerAsync(string container, CancellationToken cancellationToken)
    {
        if (!provision)
        {
            return;
        }

        var creation = ensuredContainers.GetOrAdd(container, name =>
            service.GetBlobContainerClient(containerPrefix + name).CreateIfNotExistsAsync(cancellationToken: CancellationToken.None));
        try
        {
            await creation.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            ensuredContainers.TryRemove(container, out _);
            throw;
        }
    }

    /// <summary>Without provisioning a missing container is a deployment error, not an absent blob.</summary>
    private void ThrowIfMissingContainer(string container, RequestFailedException e)
    {
        if (!provision && MissingStorageResourceException.IsMissing(e))
        {
            throw new MissingStorageResourceException("container", containerPrefix + container, e);
        }
    }

    private async Task<TResult> Named<TResult>(string container, Func<Task<TResult>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (MissingStorageResourceException.IsMissing(e))
        {
            throw new MissingStorageResourceException("container", containerPrefix + container, e);
        }
    }
}
