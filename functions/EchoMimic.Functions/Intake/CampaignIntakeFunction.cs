using EchoMimic.Core;
using EchoMimic.Core.Ports;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using EchoMimic.Infrastructure.DurableTask;
using EchoMimic.Orchestration.Intake;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EchoMimic.Functions.Intake;

/// <summary>
/// Starts a campaign when a manifest (<c>campaign.csv</c> or <c>campaign.jsonl</c>) lands in a folder of the
/// uploads container; an optional <c>campaign.defaults.json</c> beside it (uploaded first) holds the shared
/// defaults. The folder names the campaign, so a duplicated event starts nothing new. A manifest with a bad
/// row starts nothing at all (the reader rejects it whole, naming row and field).
/// </summary>
public sealed class CampaignIntakeFunction(JobStarter starter, IBlobStore blobs, IOptions<EchoMimicSettings> settings,
    ILogger<CampaignIntakeFunction> logger)
{
    public const string Name = "CampaignIntake";
    public const string DefaultsFileName = "campaign.defaults.json";
    private static readonly string[] ManifestNames = ["campaign.csv", "campaign.jsonl"];

    [Function(Name)]
    public async Task<StartResult?> Run(
        [BlobTrigger(BlobContainers.Uploads + "/{name}", Source = BlobTriggerSource.EventGrid)] string content,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var fileName = name[(name.LastIndexOf('/') + 1)..];
        if (!ManifestNames.Contains(fileName, StringComparer.Ordinal))
        {
            return null;
        }

        try
        {
            var campaignId = UploadFolders.IdOf(name);
            var manifestPath = new BlobPath(BlobContainers.Uploads, name);
            var defaults = await blobs.ReadBytesAsync(manifestPath.Sibling(DefaultsFileName), cancellationToken)
                .ConfigureAwait(false);
            var start = RenderJobIntake.AcceptCampaign(content, fileName,
                defaults is null ? null : System.Text.Encoding.UTF8.GetString(defaults), campaignId,
                settings.Value.CampaignConcurrency, webhookUrl: null, starter.Options, Random.Shared);
            return await starter.StartAsync(new DurableClientStarter(client), start, cancellationToken).ConfigureAwait(false);
        }
        catch (InputException e)
        {
            logger.LogWarning("campaign manifest {Blob} rejected: {Problem}", name, e.Message);
            return null;
        }
    }
}
