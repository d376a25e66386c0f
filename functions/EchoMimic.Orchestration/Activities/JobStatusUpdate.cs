using EchoMimic.Core.Ports;

namespace EchoMimic.Orchestration.Activities;

public sealed record JobStatusUpdate(
    string JobId,
    JobStatus Status,
    string Phase,
    int SegmentsDone = 0,
    int SegmentCount = 0,
    string? OutputUri = null,
    string? Error = null,
    string? IdempotencyKey = null,
    string? CampaignId = null);
