namespace EchoMimic.Core.Webhooks;

/// <summary>The <c>data</c> of the one webhook a campaign sends when every row has finished.</summary>
public sealed record CampaignEventData(
    string CampaignId,
    int Succeeded,
    int Failed,
    IReadOnlyList<CampaignRowOutcome> Rows);
