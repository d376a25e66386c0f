using EchoMimic.Core.Ports;

namespace EchoMimic.Core.Webhooks;

/// <summary>One row's result in a campaign: its video or its error.</summary>
public sealed record CampaignRowOutcome(string RowId, string JobId, JobStatus Status, string? OutputUrl, string? Error);
