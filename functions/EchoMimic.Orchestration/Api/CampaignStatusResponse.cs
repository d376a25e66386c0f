using EchoMimic.Orchestration.Campaigns;

namespace EchoMimic.Orchestration.Api;

/// <summary>GET /campaigns/{id}.</summary>
public sealed record CampaignStatusResponse(string CampaignId, string RuntimeStatus, CampaignProgress? Progress,
    CampaignOutcome? Outcome);
