using EchoMimic.Core.Campaigns;
using EchoMimic.Core.Jobs;
using EchoMimic.Orchestration.Campaigns;
using EchoMimic.Orchestration.RenderJobs;

namespace EchoMimic.Orchestration.Intake;

/// <summary>
/// Turns what a caller sent (job.json, a POST body, a manifest) into an orchestration start, or an
/// <see cref="Core.InputException"/> before anything is scheduled or stored. Hosts (CLI, serve, Functions) call this
/// and then schedule the returned instance with their Durable Task client.
/// </summary>
public static class RenderJobIntake
{
    /// <param name="jobId">The id the caller's channel fixes (the upload folder of job.json); null to derive one.</param>
    public static JobStart AcceptJob(string json, string source, RenderJobOptions options, string? jobId, Random random)
    {
        var spec = RenderJobSpecReader.Read(json, source);
        var id = jobId is not null ? JobIds.Check(jobId, $"{source}:job id")
            : spec.IdempotencyKey is { } key ? JobIds.FromIdempotencyKey("job", key)
            : JobIds.Fresh("job", random);
        return new JobStart(id, nameof(RenderJobOrchestrator), new RenderJobInput(spec, options));
    }

    public static JobStart AcceptCampaign(string manifest, string fileName, string? defaultsJson, string? campaignId,
        int maxConcurrentRows, Uri? webhookUrl, RenderJobOptions options, Random random)
    {
        if (maxConcurrentRows is < 1 or > 1000)
        {
            throw new Core.InputException("max concurrent rows", $"must be between 1 and 1000, got {maxConcurrentRows}");
        }

        if (webhookUrl is not null && webhookUrl.Scheme != Uri.UriSchemeHttp && webhookUrl.Scheme != Uri.UriSchemeHttps)
        {
            throw new Core.InputException("campaign webhook", $"'{webhookUrl}' must be an http or https URL");
        }

        var parsed = CampaignManifestReader.Read(manifest, CampaignManifestReader.FormatOf(fileName), defaultsJson, fileName);
        var id = campaignId is not null ? JobIds.Check(campaignId, "campaign id") : JobIds.Fresh("camp", random);
        foreach (var row in parsed.Rows)
        {
            JobIds.Check(row.JobIdIn(id), $"{fileName}:row {row.RowId}:id");
        }

        return new JobStart(id, nameof(CampaignOrchestrator), new CampaignInput(parsed.Rows, maxConcurrentRows, webhookUrl, options));
    }
}
