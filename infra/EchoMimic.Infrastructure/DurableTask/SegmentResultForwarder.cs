using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EchoMimic.Infrastructure.DurableTask;

/// <summary>
/// Turns results-queue messages into <c>segment-k</c> (<c>prepare</c>, <c>stitch</c>) events on the job's orchestration (in Azure the results
/// queue trigger does the same). Duplicates are harmless by design: the orchestrator keeps the first success and
/// ignores the rest, and a result for a finished job is simply dropped.
/// <para>
/// The lock is short (<see cref="DefaultLockDuration"/>) and renewed every third of it while the event is raised: after
/// a crash of the hosting process (<c>serve</c> killed) a held result becomes visible again within seconds instead of
/// a minute, and a slow raise (a busy Durable Task backend) still holds its message. Losing the lock anyway (a process
/// stalled past it) costs at most one duplicate event, which the orchestrator ignores.
/// </para>
/// </summary>
public sealed class SegmentResultForwarder(IResultQueue results, DurableTaskClient client, TimeSpan? lockDuration = null,
    TimeProvider? timeProvider = null, ILogger? logger = null)
{
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private readonly ILogger log = logger ?? NullLogger.Instance;

    /// <summary>Long enough for a raise on a loaded machine between renewals; short enough that a crash costs seconds.</summary>
    public static readonly TimeSpan DefaultLockDuration = TimeSpan.FromSeconds(10);

    /// <summary>After a failed forward, so an unreachable backend is not retried in a tight loop.</summary>
    private static readonly TimeSpan FailurePause = TimeSpan.FromSeconds(1);

    public TimeSpan LockDuration { get; } = lockDuration ?? DefaultLockDuration;

    /// <summary>Forwards results until <paramref name="cancellationToken"/> is canceled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            IMessageLease<SegmentResult>? lease;
            try
            {
                lease = await results.ReceiveAsync(LockDuration, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (lease is null)
            {
                continue;
            }

            var failed = false;
            await using (lease.ConfigureAwait(false))
            {
                try
                {
                    await ForwardAsync(lease, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Stopped mid-forward (e.g. while completing): the unsettled lease comes back and its event is raised
                    // again, which the orchestrator ignores. Stopping is not a failure of the loop.
                    return;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // The backend or the queue failed: disposing the unsettled lease abandons it for redelivery, and the
                    // loop lives on (one bad moment must not stop every job's progress).
                    log.LogWarning(e, "Result {MessageId} (job {JobId}, segment {Segment}, attempt {Attempt}) left for redelivery: {Reason}",
                        lease.MessageId, lease.Body.JobId, lease.Body.SegmentIndex, lease.Body.Attempt, e.Message);
                    failed = true;
                }
            }

            if (failed)
            {
                try
                {
                    await Task.Delay(FailurePause, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Handles one message; exposed for hosts that receive through their own trigger.</summary>
    public async Task ForwardAsync(IMessageLease<SegmentResult> lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var result = lease.Body;
        if (result.SchemaVersion is < 1 or > SegmentResult.CurrentSchemaVersion)
        {
            await lease.DeadLetterAsync($"unsupported schema version {result.SchemaVersion}", cancellationToken).ConfigureAwait(false);
            return;
        }

        bool jobExists;
        using (var raised = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            // Settling finds out about a lost lock too; the event is raised either way.
            var renewing = LeaseRenewal.KeepAsync(lease, LockDuration / 3, time, raised.Token, cancellationToken);
            try
            {
                jobExists = await RaiseAsync(result, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Renewals stop before settling: on Storage queues a renewal replaces the pop receipt settling needs.
                await raised.CancelAsync().ConfigureAwait(false);
                await renewing.ConfigureAwait(false);
            }
        }

        try
        {
            if (jobExists)
            {
                await lease.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await lease.DeadLetterAsync($"no job {result.JobId}", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (MessageLockLostException)
        {
            // The event is raised; the redelivery raises it again, which the orchestrator ignores.
        }
    }

    /// <summary>Raises the result's event when its job runs; false when there is no such job.</summary>
    private async Task<bool> RaiseAsync(SegmentResult result, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(result.JobId, cancellationToken).ConfigureAwait(false);
        if (instance is null)
        {
            return false;
        }

        if (instance.IsRunning || instance.RuntimeStatus == OrchestrationRuntimeStatus.Pending)
        {
            await client.RaiseEventAsync(result.JobId, result.EventName, result, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
