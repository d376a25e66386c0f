using EchoMimic.Core;
using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.Activities;

/// <summary>
/// Runs the engine's preparation once per job and stores its result at work/{job}/prepared.json; a re-run (replay
/// after a crash, duplicate start) finds the stored result and returns it without recomputing.
/// Input problems come back as <see cref="PrepareResult.InputError"/> rather than an activity failure, so the
/// orchestrator can fail the job with the user-facing message and never retries a bad input.
/// </summary>
public sealed class PrepareJobActivity(IJobPreparer preparer, IBlobStore blobs) : TaskActivity<PrepareJobInput, PrepareResult>
{
    public override async Task<PrepareResult> RunAsync(TaskActivityContext context, PrepareJobInput input)
    {
        var stored = JobBlobs.Prepared(input.JobId);
        if (await blobs.ReadJsonAsync<PreparedJob>(stored, CancellationToken.None).ConfigureAwait(false) is { } existing)
        {
            return new PrepareResult(existing, null);
        }

        PreparedJob prepared;
        try
        {
            prepared = await preparer.PrepareAsync(input.JobId, input.Spec, CancellationToken.None).ConfigureAwait(false);
        }
        catch (InputException e)
        {
            return new PrepareResult(null, e.Message);
        }

        await blobs.PutJsonAsync(stored, prepared, overwrite: false, CancellationToken.None).ConfigureAwait(false);
        return new PrepareResult(await blobs.ReadJsonAsync<PreparedJob>(stored, CancellationToken.None).ConfigureAwait(false), null);
    }
}
