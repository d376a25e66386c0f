using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EchoMimic.Orchestration.Intake;

/// <summary>
/// Starts render jobs and campaigns exactly once, whichever way they arrive (upload event, HTTP, duplicate
/// deliveries of either, a watcher rescanning after a restart), for every host (Functions app, <c>echomimic serve</c>):
/// the job index decides which submission owns an id or idempotency key, and the orchestration instance id is the
/// job id, so an instance that already exists is never started again.
/// </summary>
public sealed class JobStarter(IJobIndex index, RenderJobOptions options, TimeProvider time, ILogger<JobStarter>? logger = null)
{
    private readonly ILogger log = logger ?? NullLogger<JobStarter>.Instance;

    /// <summary>The options every job this host starts runs with.</summary>
    public RenderJobOptions Options => options;

    public async Task<StartResult> StartJobAsync(IOrchestrationStarter orchestrations, string jobId, RenderJobSpec spec,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orchestrations);
        ArgumentNullException.ThrowIfNull(spec);
        var now = time.GetUtcNow();
        var record = await index.AddOrGetAsync(new JobRecord(jobId, JobStatus.Pending, now, now, spec.IdempotencyKey),
            cancellationToken).ConfigureAwait(false);
        if (record.JobId != jobId)
        {
            log.LogInformation("job {JobId}: idempotency key already used by job {ExistingJobId}", jobId, record.JobId);
            return new StartResult(record.JobId, Started: false);
        }

        var started = await StartOnceAsync(orchestrations, nameof(RenderJobOrchestrator), jobId, new RenderJobInput(spec, options),
            cancellationToken).ConfigureAwait(false);
        return new StartResult(jobId, started);
    }

    /// <summary>Starts an accepted campaign (or any accepted start) unless its instance exists.</summary>
    public async Task<StartResult> StartAsync(IOrchestrationStarter orchestrations, JobStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orchestrations);
        ArgumentNullException.ThrowIfNull(start);
        var started = await StartOnceAsync(orchestrations, start.Orchestrator, start.InstanceId, start.Input, cancellationToken)
            .ConfigureAwait(false);
        return new StartResult(start.InstanceId, started);
    }

    private async Task<bool> StartOnceAsync(IOrchestrationStarter orchestrations, string orchestrator, string instanceId, object input,
        CancellationToken cancellationToken)
    {
        if (await orchestrations.ExistsAsync(instanceId, cancellationToken).ConfigureAwait(false))
        {
            log.LogInformation("{Orchestrator} {InstanceId} exists: duplicate submission ignored", orchestrator, instanceId);
            return false;
        }

        if (!await orchestrations.TryStartAsync(orchestrator, instanceId, input, cancellationToken).ConfigureAwait(false))
        {
            // Two deliveries raced past the existence check; the backend kept the first.
            log.LogInformation("{Orchestrator} {InstanceId} was started concurrently: duplicate ignored", orchestrator, instanceId);
            return false;
        }

        log.LogInformation("{Orchestrator} {InstanceId} started", orchestrator, instanceId);
        return true;
    }
}
