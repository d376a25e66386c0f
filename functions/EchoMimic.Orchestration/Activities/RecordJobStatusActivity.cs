using EchoMimic.Core.Ports;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.Activities;

/// <summary>
/// Mirrors a job's state into the <see cref="IJobIndex"/> (list and idempotency lookups). Idempotent: the record
/// is created on first sight and its mutable fields replaced on every call.
/// </summary>
public sealed class RecordJobStatusActivity(IJobIndex index, TimeProvider time) : TaskActivity<JobStatusUpdate, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, JobStatusUpdate input)
    {
        var now = time.GetUtcNow();
        var record = new JobRecord(input.JobId, input.Status, now, now, input.IdempotencyKey, input.CampaignId,
            input.Phase, input.SegmentsDone, input.SegmentCount, input.OutputUri, input.Error);
        var stored = await index.AddOrGetAsync(record, CancellationToken.None).ConfigureAwait(false);
        if (stored.JobId == input.JobId)
        {
            await index.UpdateAsync(record, CancellationToken.None).ConfigureAwait(false);
        }

        return true;
    }
}
