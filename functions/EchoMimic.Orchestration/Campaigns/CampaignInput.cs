using EchoMimic.Core.Campaigns;
using EchoMimic.Orchestration.RenderJobs;

namespace EchoMimic.Orchestration.Campaigns;

/// <summary>
/// A campaign orchestration's input (instance id = campaign id): the validated rows, how many run at once, and
/// where the one campaign webhook goes.
/// </summary>
public sealed record CampaignInput(
    IReadOnlyList<CampaignRow> Rows,
    int MaxConcurrentRows,
    Uri? WebhookUrl,
    RenderJobOptions Options);
