namespace EchoMimic.Core.Ports;

/// <summary>
/// A queryable list of jobs (Azure Table in the cloud) for the API's list and idempotency lookups; the
/// orchestration's own state stays authoritative for status.
/// </summary>
public interface IJobIndex
{
    /// <summary>
    /// Records a new job unless one with the same id exists, or one with the same non-null idempotency key exists
    /// in the same caller scope; returns the record that is stored (the existing one on a duplicate).
    /// </summary>
    Task<JobRecord> AddOrGetAsync(JobRecord job, CancellationToken cancellationToken);

    Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken);

    Task<JobRecord?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Replaces the record's mutable fields (status, phase, progress, output, error, updated time).</summary>
    Task UpdateAsync(JobRecord job, CancellationToken cancellationToken);

    /// <summary>Jobs newest first, optionally only those of one campaign.</summary>
    IAsyncEnumerable<JobRecord> ListAsync(string? campaignId, int maxCount, CancellationToken cancellationToken);
}
