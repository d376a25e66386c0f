using EchoMimic.Core.Messages;

namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>How waiting for a worker stage ended: its accepted result, a job-ending error, or a cancel (with the reason).</summary>
internal sealed record StageOutcome(SegmentResult? Result, string? Error, bool Canceled, int Attempts);
