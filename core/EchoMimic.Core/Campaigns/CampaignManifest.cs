namespace EchoMimic.Core.Campaigns;

/// <summary>A validated campaign: one job per row, every row already a complete, valid spec.</summary>
public sealed record CampaignManifest(IReadOnlyList<CampaignRow> Rows);
