using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.Activities;

/// <summary>
/// Puts one worker task (a segment, or the Prepare or Stitch stage) on the segment queue. The message id is
/// job:segment:attempt (job:prepare:attempt, job:stitch:attempt), so a replayed dispatch is
/// dropped by a broker with duplicate detection and is harmless otherwise (the worker finds the committed clip).
/// A stitch task that names a <see cref="SegmentTask.StitchBlob"/> has its request written there (overwriting: the
/// request is deterministic per job, so a retried or re-dispatched write stores the same bytes) before the message
/// goes out without it: the request grows ~300 bytes per segment and would outgrow a queue message
/// (Storage queues 64 KB, Service Bus Standard 256 KB) on long videos, while the message stays a few hundred bytes.
/// Always, not only above a size: one path, exercised by every job.
/// </summary>
public sealed class DispatchSegmentActivity(ISegmentQueue queue, IBlobStore blobs) : TaskActivity<SegmentTask, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, SegmentTask input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var message = input;
        if (input is { Kind: WorkKind.Stitch, Stitch: { } request, StitchBlob: { } blob })
        {
            await blobs.PutJsonAsync(BlobPath.Parse(blob), request, overwrite: true, CancellationToken.None).ConfigureAwait(false);
            message = input with { Stitch = null };
        }

        await queue.SendAsync([new QueueMessage<SegmentTask>(message.MessageId, message)], CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}
