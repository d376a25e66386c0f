using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.Activities;

/// <summary>
/// Puts one worker task (a segment, or the Prepare or Stitch stage) on the segment queue. The message id is
/// job:segment:attempt (job:prepare:attempt, job:stitch:attempt), so a replayed dispatch is
/// dropped by a broker with duplicate detection and is harmless otherwise (the worker finds the committed clip).
/// </summary>
public sealed class DispatchSegmentActivity(ISegmentQueue queue) : TaskActivity<SegmentTask, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, SegmentTask input)
    {
        await queue.SendAsync([new QueueMessage<SegmentTask>(input.MessageId, input)], CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}
