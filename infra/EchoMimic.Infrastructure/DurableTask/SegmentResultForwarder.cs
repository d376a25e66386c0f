using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using Microsoft.DurableTask.Client;

namespace EchoMimic.Infrastructure.DurableTask;

/// <summary>
/// Turns results-queue messages into <c>segment-k</c> (<c>prepare</c>, <c>stitch</c>) events on the job's orchestration (in Azure the results
/// queue trigger does the same). Duplicates are harmless by design: the orchestrator keeps the first success and
/// ignores the rest, and a result for a finished job is simply dropped.
/// </summary>
public sealed class SegmentResultForwarder(IResultQueue results, DurableTaskClient client)
{
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(1);

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

            await using (lease.ConfigureAwait(false))
            {
                await ForwardAsync(lease, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Handles one message; exposed for hosts that receive through their own trigger.</summary>
    public async Task ForwardAsync(IMessageLease<SegmentResult> lease, CancellationToken cancellationToken)
    {
        var result = lease.Body;
        if (result.SchemaVersion is < 1 or > SegmentResult.CurrentSchemaVersion)
        {
            await lease.DeadLetterAsync($"unsupported schema version {result.SchemaVersion}", cancellationToken).ConfigureAwait(false);
            return;
        }

        var instance = await client.GetInstanceAsync(result.JobId, cancellationToken).ConfigureAwait(false);
        if (instance is null)
        {
            await lease.DeadLetterAsync($"no job {result.JobId}", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (instance.IsRunning || instance.RuntimeStatus == OrchestrationRuntimeStatus.Pending)
        {
            await client.RaiseEventAsync(result.JobId, result.EventName, result, cancellationToken).ConfigureAwait(false);
        }

        await lease.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
