using System.Runtime.CompilerServices;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Embedded;

/// <summary>The job index in process memory (laptop runs and tests).</summary>
public sealed class InMemoryJobIndex : IJobIndex
{
    private readonly object gate = new();
    private readonly Dictionary<string, JobRecord> jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> byIdempotencyKey = new(StringComparer.Ordinal);

    public Task<JobRecord> AddOrGetAsync(JobRecord job, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (jobs.TryGetValue(job.JobId, out var existing))
            {
                return Task.FromResult(existing);
            }

            if (job.IdempotencyKey is { } key && byIdempotencyKey.TryGetValue(key, out var existingId))
            {
                return Task.FromResult(jobs[existingId]);
            }

            jobs[job.JobId] = job;
            if (job.IdempotencyKey is { } newKey)
            {
                byIdempotencyKey[newKey] = job.JobId;
            }

            return Task.FromResult(job);
        }
    }

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(jobs.GetValueOrDefault(jobId));
        }
    }

    public Task<JobRecord?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(byIdempotencyKey.TryGetValue(idempotencyKey, out var id) ? jobs[id] : null);
        }
    }

    public Task UpdateAsync(JobRecord job, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!jobs.TryGetValue(job.JobId, out var existing))
            {
                throw new KeyNotFoundException($"job {job.JobId} is not in the index");
            }

            // Identity fields never change after AddOrGet.
            jobs[job.JobId] = job with
            {
                CreatedAt = existing.CreatedAt,
                IdempotencyKey = existing.IdempotencyKey,
                CampaignId = existing.CampaignId,
            };
            return Task.CompletedTask;
        }
    }

    public async IAsyncEnumerable<JobRecord> ListAsync(string? campaignId, int maxCount,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<JobRecord> snapshot;
        lock (gate)
        {
            snapshot = jobs.Values
                .Where(job => campaignId is null || job.CampaignId == campaignId)
                .OrderByDescending(job => job.CreatedAt)
                .ThenBy(job => job.JobId, StringComparer.Ordinal)
                .Take(maxCount)
                .ToList();
        }

        foreach (var job in snapshot)
        {
            yield return job;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
