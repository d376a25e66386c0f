using System.Text.Json;
using EchoMimic.Core.Messages;
using EchoMimic.Infrastructure.Azure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace EchoMimic.Functions.Results;

/// <summary>
/// Carries a worker's segment result from the results queue into its render orchestration as the
/// <c>segment-k</c> event (<c>prepare</c> / <c>stitch</c> for the job stages the workers run). Results arrive at least once and in any order; the orchestrator keeps the first
/// success per segment, so duplicates are passed on unchanged, and results for a job that has ended (late
/// after a re-dispatch, or canceled) are dropped here. A message that is not a result fails and, after the
/// queue's maxDequeueCount, lands in segment-results-poison.
/// </summary>
public sealed class SegmentResultsFunction(ILogger<SegmentResultsFunction> logger)
{
    public const string QueueName = "segment-results";

    [Function("SegmentResults")]
    public async Task<bool> Run(
        [QueueTrigger(QueueName)] string message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var result = QueueEnvelope<SegmentResult>.Parse(message).Body
            ?? throw new JsonException("segment result message without a body");
        if (result.SchemaVersion > SegmentResult.CurrentSchemaVersion)
        {
            throw new NotSupportedException(
                $"segment result schema {result.SchemaVersion} is newer than this app's {SegmentResult.CurrentSchemaVersion}");
        }

        var instance = await client.GetInstanceAsync(result.JobId, getInputsAndOutputs: false, cancellationToken)
            .ConfigureAwait(false);
        if (instance is null || instance.IsCompleted)
        {
            logger.LogInformation("segment {Segment} of job {JobId} (attempt {Attempt}) dropped: job {State}",
                result.SegmentIndex, result.JobId, result.Attempt, instance is null ? "unknown" : "ended");
            return false;
        }

        await client.RaiseEventAsync(result.JobId, result.EventName, result, cancellationToken)
            .ConfigureAwait(false);
        logger.LogInformation("segment {Segment} of job {JobId} attempt {Attempt}: {Outcome} by {Worker}",
            result.SegmentIndex, result.JobId, result.Attempt, result.Outcome, result.WorkerId);
        return true;
    }
}
