using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.RenderJobs;

namespace EchoMimic.Orchestration.Api;

/// <summary>GET /jobs/{id}: the orchestration's status, its progress (phase, k of N) and, when done, its outcome.</summary>
public sealed record JobStatusResponse(string JobId, string RuntimeStatus, RenderJobProgress? Progress,
    RenderJobOutcome? Outcome, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt)
{
    /// <summary>
    /// A job with no orchestration: a job.json rejected at intake (or not started yet); the job index knows its
    /// status and why.
    /// </summary>
    public static JobStatusResponse FromRecord(JobRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new JobStatusResponse(record.JobId, record.Status.ToString(),
            new RenderJobProgress(record.Phase ?? record.Status.ToString().ToLowerInvariant(), record.SegmentsDone, record.SegmentCount, 0,
                record.Error), null, record.CreatedAt, record.UpdatedAt);
    }
}
