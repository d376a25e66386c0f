using EchoMimic.Core.Ports;

namespace EchoMimic.Core.Webhooks;

/// <summary>The <c>data</c> of a job webhook event.</summary>
public sealed record JobEventData(
    string JobId,
    JobStatus Status,
    string? OutputUrl,
    string? Error,
    JobReportSummary? Report,
    IReadOnlyDictionary<string, string> Metadata,
    string? CampaignId = null);
