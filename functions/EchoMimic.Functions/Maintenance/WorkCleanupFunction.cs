using EchoMimic.Core.Ports;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EchoMimic.Functions.Maintenance;

/// <summary>
/// Nightly clean-up of the work container: segment clips, latents, prepared features and delivery logs older
/// than the retention period (EchoMimic:WorkRetentionDays) are deleted. A job still running after that long
/// has failed its deadlines anyway; prepared features reused by a newer job were rewritten and are younger.
/// The storage lifecycle rule in bicep is the backstop one day later.
/// </summary>
public sealed class WorkCleanupFunction(IBlobStore blobs, IOptions<EchoMimicSettings> settings, TimeProvider time,
    ILogger<WorkCleanupFunction> logger)
{
    [Function("CleanupWorkBlobs")]
    public async Task<int> Run([TimerTrigger("0 30 3 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(settings.Value.WorkRetentionDays);
        var deleted = 0;
        var expired = new List<BlobPath>();
        await foreach (var blob in blobs.ListAsync(BlobContainers.Work, "", cancellationToken).ConfigureAwait(false))
        {
            if (blob.LastModified < cutoff)
            {
                expired.Add(blob.Path);
            }
        }

        foreach (var path in expired)
        {
            if (await blobs.DeleteAsync(path, cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        logger.LogInformation("work clean-up: {Deleted} blobs older than {Cutoff:u} deleted", deleted, cutoff);
        return deleted;
    }
}
