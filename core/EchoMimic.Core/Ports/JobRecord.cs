namespace EchoMimic.Core.Ports;

/// <summary>One row of the <see cref="IJobIndex"/>.</summary>
public sealed record JobRecord(
    string JobId,
    JobStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? IdempotencyKey = null,
    string? CampaignId = null,
    string? Phase = null,
    int SegmentsDone = 0,
    int SegmentCount = 0,
    string? OutputUri = null,
    string? Error = null);
