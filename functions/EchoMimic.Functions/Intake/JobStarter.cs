using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EchoMimic.Functions.Intake;

/// <summary>
/// Starts render jobs and campaigns exactly once, whichever way they arrive (upload event, HTTP, duplicate
/// deliveries of either): the job index decides which submission owns an id or idempotency key, and the
/// orchestration instance id is the job id, so an instance that already exists is never started again.
/// </summary>
public sealed class JobStarter(IJobIndex index, IOptions<EchoMimicSettings> settings, TimeProvider time,
    ILogger<JobStarter> logger)
{
    public async Task<StartResult> StartJobAsync(DurableTaskClient client, string jobId, RenderJobSpec spec,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow();
        var record = await index.AddOrGetAsync(
            new JobRecord(jobId, JobStatus.Pending, now, now, spec.IdempotencyKey), cancellationToken).ConfigureAwait(false);
        if (record.JobId != jobId)
        {
            logger.LogInformation("job {JobId}: idempotency key already used by job {ExistingJobId}", jobId, record.JobId);
            return new StartResult(record.JobId, Started: false);
        }

        var input = new RenderJobInput(spec, settings.Value.ToRenderJobOptions());
        var started = await ScheduleOnceAsync(client, nameof(RenderJobOrchestrator), jobId, input, cancellationToken)
            .ConfigureAwait(false);
        return new StartResult(jobId, started);
    }

    /// <summary>Starts an accepted campaign (or any accepted start) unless its instance exists.</summary>
    public async Task<StartResult> StartAsync(DurableTaskClient client, JobStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(start);
        var started = await ScheduleOnceAsync(client, start.Orchestrator, start.InstanceId, start.Input, cancellationToken)
            .ConfigureAwait(false);
        return new StartResult(start.InstanceId, started);
    }

    private async Task<bool> ScheduleOnceAsync(DurableTaskClient client, string orchestrator, string instanceId,
        object input, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false) is not null)
        {
            logger.LogInformation("{Orchestrator} {InstanceId} exists: duplicate submission ignored", orchestrator, instanceId);
            return false;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input,
                new StartOrchestrationOptions(instanceId), cancellationToken).ConfigureAwait(false);
            logger.LogInformation("{Orchestrator} {InstanceId} started", orchestrator, instanceId);
            return true;
        }
        catch (InvalidOperationException e) when (e.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            // Two deliveries raced past the existence check; the backend kept the first.
            logger.LogInformation("{Orchestrator} {InstanceId} was started concurrently: duplicate ignored", orchestrator, instanceId);
            return false;
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.AlreadyExists)
        {
            logger.LogInformation("{Orchestrator} {InstanceId} was started concurrently: duplicate ignored", orchestrator, instanceId);
            return false;
        }
    }
}

/// <summary>The job or campaign that owns a submission, and whether this call started it.</summary>
public sealed record StartResult(string Id, bool Started);
