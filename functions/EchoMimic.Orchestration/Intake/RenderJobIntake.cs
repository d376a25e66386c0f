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
        CheckOptions(options);
        var spec = RenderJobSpecReader.Read(json, source);
        var id = jobId is not null ? JobIds.Check(jobId, $"{source}:job id")
            : spec.IdempotencyKey is { } key ? JobIds.FromIdempotencyKey("job", key)
            : JobIds.Fresh("job", random);
        return new JobStart(id, nameof(RenderJobOrchestrator), new RenderJobInput(spec, options));
    }

    public static JobStart AcceptCampaign(string manifest, string fileName, string? defaultsJson, string? campaignId,
        int maxConcurrentRows, Uri? webhookUrl, RenderJobOptions options, Random random)
    {
        CheckOptions(options);
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

    /// <summary>
    /// The host's job options (serve's, the Functions app's settings, render's --segment-length) are part of every job:
    /// options that could never be planned or run reject the submission here, before anything is scheduled.
    /// </summary>
    public static void CheckOptions(RenderJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Core.Segments.SegmentPlanner.ProblemWith(options.SegmentLength, options.Overlap) is { } problem)
        {
            throw new Core.InputException("segment options", problem);
        }

        if (options.MaxAttempts < 1)
        {
            throw new Core.InputException("max attempts", $"must be at least 1, got {options.MaxAttempts}");
        }

        if (options.SegmentDeadline <= TimeSpan.Zero || options.InputWait < TimeSpan.Zero || options.InputPollInterval <= TimeSpan.Zero)
        {
            throw new Core.InputException("job deadlines", "segment deadline and input poll interval must be positive, input wait not negative");
        }
    }
}
