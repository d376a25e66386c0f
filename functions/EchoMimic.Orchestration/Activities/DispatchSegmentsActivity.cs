using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.Activities;

/// <summary>
/// Puts a batch of segment tasks on the segment queue in one send: the render orchestrator's first fan-out. One activity
/// per batch instead of one per segment keeps a job's activity count independent of its length, which matters because
/// activities are the control plane's expensive unit: the in-memory host runs at most ProcessorCount of them at once and
/// re-polls every 500 ms when that many are in flight (a flat ~250 ms per segment on two cores), and on the Azure
/// Storage provider each activity is a queue message plus history rows. Message ids are job:segment:attempt, as in
/// <see cref="DispatchSegmentActivity"/>, so a retried batch is dropped by a broker with duplicate detection and is
/// harmless otherwise. Segment tasks only: Prepare and Stitch go through <see cref="DispatchSegmentActivity"/>.
/// </summary>
public sealed class DispatchSegmentsActivity(ISegmentQueue queue) : TaskActivity<IReadOnlyList<SegmentTask>, int>
{
    /// <summary>Tasks per activity: ~0.5 KB each, so a batch stays far below the providers' inline message limits.</summary>
    public const int MaxBatch = 64;

    public override async Task<int> RunAsync(TaskActivityContext context, IReadOnlyList<SegmentTask> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.FirstOrDefault(t => t.Kind != WorkKind.Segment) is { } other)
        {
            throw new ArgumentException($"a {other.Kind} task in a segment batch; stages go through {nameof(DispatchSegmentActivity)}", nameof(input));
        }

        await queue.SendAsync(input.Select(t => new QueueMessage<SegmentTask>(t.MessageId, t)).ToList(), CancellationToken.None).ConfigureAwait(false);
        return input.Count;
    }
}
