using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace EchoMimic.Cli.Serve;

/// <summary>
/// Starts jobs and campaigns exactly once, as the Functions app's JobStarter does: the job index decides which
/// submission owns an id or idempotency key, and the orchestration instance id is the job id, so an instance that
/// exists already (a second upload event, a retried POST, a watcher rescanning after a restart) starts nothing.
/// </summary>
public sealed class ServeJobStarter(DurableTaskClient client, IJobIndex index, RenderJobOptions options, TimeProvider time)
{
    public RenderJobOptions Options => options;

    public async Task<(string Id, bool Started)> StartJobAsync(string jobId, RenderJobSpec spec, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = await index.AddOrGetAsync(new JobRecord(jobId, JobStatus.Pending, now, now, spec.IdempotencyKey),
            cancellationToken).ConfigureAwait(false);
        if (record.JobId != jobId)
        {
            return (record.JobId, false);
        }

        return (jobId, await ScheduleOnceAsync(nameof(RenderJobOrchestrator), jobId, new RenderJobInput(spec, options), cancellationToken)
            .ConfigureAwait(false));
    }

    public async Task<(string Id, bool Started)> StartAsync(JobStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        return (start.InstanceId, await ScheduleOnceAsync(start.Orchestrator, start.InstanceId, start.Input, cancellationToken)
            .ConfigureAwait(false));
    }

    private async Task<bool> ScheduleOnceAsync(string orchestrator, string instanceId, object input, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.AlreadyExists)
        {
            return false;
        }
    }
}
