using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Tests.Contracts;

/// <summary>What every <see cref="IJobIndex"/> adapter must do (in-memory, Azure Table).</summary>
public abstract class JobIndexContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<IJobIndex> CreateIndexAsync();

    [Fact]
    public async Task Added_job_reads_back()
    {
        var index = await CreateIndexAsync();
        var job = new JobRecord("job-1", JobStatus.Pending, T0, T0, "key-1", "camp-1");

        Assert.Equal(job, await index.AddOrGetAsync(job, Ct));

        Assert.Equal(job, await index.GetAsync("job-1", Ct));
        Assert.Null(await index.GetAsync("job-2", Ct));
    }

    [Fact]
    public async Task Same_id_or_idempotency_key_returns_the_first_job()
    {
        var index = await CreateIndexAsync();
        var first = new JobRecord("job-1", JobStatus.Pending, T0, T0, "key-1");
        await index.AddOrGetAsync(first, Ct);

        Assert.Equal(first, await index.AddOrGetAsync(first with { Status = JobStatus.Running }, Ct));
        Assert.Equal(first, await index.AddOrGetAsync(new JobRecord("job-2", JobStatus.Pending, T0, T0, "key-1"), Ct));
        Assert.Null(await index.GetAsync("job-2", Ct));
        Assert.Equal(first, await index.FindByIdempotencyKeyAsync("key-1", Ct));
        Assert.Null(await index.FindByIdempotencyKeyAsync("key-2", Ct));
    }

    [Fact]
    public async Task Update_changes_progress_but_not_identity()
    {
        var index = await CreateIndexAsync();
        await index.AddOrGetAsync(new JobRecord("job-1", JobStatus.Pending, T0, T0, "key-1", "camp-1"), Ct);

        await index.UpdateAsync(new JobRecord("job-1", JobStatus.Running, T0.AddDays(1), T0.AddMinutes(1), null, null,
            "rendering", 2, 4), Ct);

        var stored = (await index.GetAsync("job-1", Ct))!;
        Assert.Equal(JobStatus.Running, stored.Status);
        Assert.Equal("rendering", stored.Phase);
        Assert.Equal((2, 4), (stored.SegmentsDone, stored.SegmentCount));
        Assert.Equal(T0, stored.CreatedAt);
        Assert.Equal("key-1", stored.IdempotencyKey);
        Assert.Equal("camp-1", stored.CampaignId);
    }

    [Fact]
    public async Task List_is_newest_first_and_filters_by_campaign()
    {
        var index = await CreateIndexAsync();
        for (var i = 0; i < 5; i++)
        {
            await index.AddOrGetAsync(new JobRecord($"job-{i}", JobStatus.Pending, T0.AddMinutes(i), T0,
                CampaignId: i % 2 == 0 ? "even" : null), Ct);
        }

        var all = await ToList(index.ListAsync(null, 10, Ct));
        var even = await ToList(index.ListAsync("even", 2, Ct));

        Assert.Equal(["job-4", "job-3", "job-2", "job-1", "job-0"], all.Select(j => j.JobId));
        Assert.Equal(["job-4", "job-2"], even.Select(j => j.JobId));
    }

    private static async Task<List<JobRecord>> ToList(IAsyncEnumerable<JobRecord> jobs)
    {
        var list = new List<JobRecord>();
        await foreach (var job in jobs)
        {
            list.Add(job);
        }

        return list;
    }
}
