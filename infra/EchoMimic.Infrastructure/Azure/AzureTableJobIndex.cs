using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// <see cref="IJobIndex"/> on an Azure Table ("jobs"). All rows of the index live in one partition so that a
/// job's rows are written in one entity-group transaction: the record ("j_&lt;id&gt;"), its place in the
/// newest-first order ("t_&lt;inverted ticks&gt;_&lt;id&gt;"), and its idempotency key ("k_&lt;key&gt;"). Inserting
/// all three atomically is what makes a duplicate submission (same id or same key) lose cleanly to the first.
/// One partition serves ~2,000 operations a second, far above a job index's rate. With <c>provision</c> false
/// (Azure: bicep creates the table) nothing is created and a missing table is a
/// <see cref="MissingStorageResourceException"/>.
/// </summary>
public sealed class AzureTableJobIndex : IJobIndex
{
    public const string DefaultTableName = "jobs";
    private const string Partition = "jobs";
    private readonly TableClient table;
    private readonly Lazy<Task> created;

    public AzureTableJobIndex(TableServiceClient service, string tableName = DefaultTableName, bool provision = true)
    {
        ArgumentNullException.ThrowIfNull(service);
        table = service.GetTableClient(tableName);
        created = new Lazy<Task>(() => provision ? table.CreateIfNotExistsAsync(CancellationToken.None) : ProbeAsync());
    }

    public async Task<JobRecord> AddOrGetAsync(JobRecord job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await created.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, ToEntity(RecordKey(job.JobId), job)),
            new(TableTransactionActionType.Add, ToEntity(OrderKey(job), job)),
        };
        if (job.IdempotencyKey is not null)
        {
            actions.Add(new(TableTransactionActionType.Add, new TableEntity(Partition, IdempotencyKey(job.IdempotencyKey))
            {
                ["JobId"] = job.JobId,
            }));
        }

        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return job;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            // Someone was first with this id or this key: return what is stored.
            return await GetAsync(job.JobId, cancellationToken).ConfigureAwait(false)
                ?? (job.IdempotencyKey is null
                    ? null
                    : await FindByIdempotencyKeyAsync(job.IdempotencyKey, cancellationToken).ConfigureAwait(false))
                ?? throw new InvalidOperationException($"job {job.JobId} conflicts with a record that is gone", e);
        }
    }

    public async Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        await created.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(Partition, RecordKey(jobId),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity.HasValue ? FromEntity(entity.Value!) : null;
    }

    public async Task<JobRecord?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        await created.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(Partition, IdempotencyKey(idempotencyKey),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity.HasValue
            ? await GetAsync(entity.Value!.GetString("JobId"), cancellationToken).ConfigureAwait(false)
            : null;
    }

    public async Task UpdateAsync(JobRecord job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var stored = await GetAsync(job.JobId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"job {job.JobId} is not in the index");
        // Identity fields (creation time, key, campaign) stay as first recorded; the order row follows the record.
        var updated = job with
        {
            CreatedAt = stored.CreatedAt,
            IdempotencyKey = stored.IdempotencyKey,
            CampaignId = stored.CampaignId,
        };
        await table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.UpdateReplace, ToEntity(RecordKey(job.JobId), updated), ETag.All),
            new(TableTransactionActionType.UpsertReplace, ToEntity(OrderKey(updated), updated)),
        ], cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<JobRecord> ListAsync(string? campaignId, int maxCount,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await created.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {"t_"} and RowKey lt {"t`"}");
        if (campaignId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"CampaignId eq {campaignId}");
        }

        var count = 0;
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            if (count++ >= maxCount)
            {
                yield break;
            }

            yield return FromEntity(entity);
        }
    }

    /// <summary>
    /// Without provisioning, one read of a row that never exists tells a missing table (TableNotFound) from a present
    /// one (ResourceNotFound) before the first real operation; GetEntityIfExists would hide the difference.
    /// </summary>
    private async Task ProbeAsync()
    {
        try
        {
            await table.GetEntityAsync<TableEntity>(Partition, "probe", ["PartitionKey"], CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (MissingStorageResourceException.IsMissing(e))
        {
            throw new MissingStorageResourceException("table", table.Name, e);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The table exists; the probe row does not.
        }
    }

    private static string RecordKey(string jobId) => "j_" + Escape(jobId);

    // Inverted ticks sort newest first under the table's ascending RowKey order.
    private static string OrderKey(JobRecord job) =>
        "t_" + (DateTimeOffset.MaxValue.UtcTicks - job.CreatedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture)
        + "_" + Escape(job.JobId);

    private static string IdempotencyKey(string key) => "k_" + Escape(key);

    // RowKey forbids '/', '\', '#', '?' and control characters; percent-encoding removes all of them.
    private static string Escape(string value) => Uri.EscapeDataString(value).Replace("\\", "%5C", StringComparison.Ordinal);

    private static TableEntity ToEntity(string rowKey, JobRecord job) => new(Partition, rowKey)
    {
        ["JobId"] = job.JobId,
        ["Status"] = job.Status.ToString(),
        ["CreatedAt"] = job.CreatedAt,
        ["UpdatedAt"] = job.UpdatedAt,
        ["IdempotencyKey"] = job.IdempotencyKey,
        ["CampaignId"] = job.CampaignId,
        ["Phase"] = job.Phase,
        ["SegmentsDone"] = job.SegmentsDone,
        ["SegmentCount"] = job.SegmentCount,
        ["OutputUri"] = job.OutputUri,
        ["Error"] = job.Error,
    };

    private static JobRecord FromEntity(TableEntity entity) => new(
        entity.GetString("JobId"),
        Enum.Parse<JobStatus>(entity.GetString("Status")),
        entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
        entity.GetString("IdempotencyKey"),
        entity.GetString("CampaignId"),
        entity.GetString("Phase"),
        entity.GetInt32("SegmentsDone") ?? 0,
        entity.GetInt32("SegmentCount") ?? 0,
        entity.GetString("OutputUri"),
        entity.GetString("Error"));
}
