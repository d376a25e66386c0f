using EchoMimic.Core.Webhooks;

namespace EchoMimic.Orchestration.Campaigns;

/// <summary>A campaign's output: every row's video or error, in manifest order.</summary>
public sealed record CampaignOutcome(string CampaignId, IReadOnlyList<CampaignRowOutcome> Rows, bool? WebhookDelivered)
{
    public int Succeeded => Rows.Count(row => row.Status == Core.Ports.JobStatus.Succeeded);

    public int Failed => Rows.Count - Succeeded;
}
