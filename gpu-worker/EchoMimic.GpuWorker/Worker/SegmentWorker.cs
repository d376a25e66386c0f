using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;

namespace EchoMimic.GpuWorker.Worker;

/// <summary>
/// The GPU worker loop: take a segment task, keep its lock renewed while rendering, upload the clip (latents first,
/// so a visible clip implies its latents are there), report the result. Idempotent per task: when the clip is
/// already committed (a redelivery, or a re-dispatch racing a slow first attempt) it re-reports instead of
/// rendering twice. Render failures are reported with the reason and the message completed, because the
/// orchestrator owns retries (a new attempt); storage or queue failures abandon the message for redelivery.
/// </summary>
public sealed class SegmentWorker(ISegmentQueue segments, IResultQueue results, IBlobStore blobs, ISegmentRenderer renderer,
    SegmentWorkerOptions options, TimeProvider time)
{
    public string WorkerId => options.WorkerId;

    /// <summary>Processes tasks until <paramref name="cancellationToken"/> is canceled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            IMessageLease<SegmentTask>? lease;
            try
            {
                lease = await segments.ReceiveAsync(options.LockDuration, options.ReceiveWait, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (lease is not null)
            {
                await using (lease.ConfigureAwait(false))
                {
                    try
                    {
                        await ProcessAsync(lease, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException or MessageLockLostException
                        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                    {
                        // Storage or queue trouble: disposing the unsettled lease abandons it for redelivery.
                        Console.Error.WriteLine($"worker {options.WorkerId}: task {lease.MessageId} left for redelivery: {e.Message}");
                    }
                }
            }
        }
    }

    /// <summary>Handles one received task to the end (settled or left for redelivery).</summary>
    public async Task ProcessAsync(IMessageLease<SegmentTask> lease, CancellationToken cancellationToken)
    {
        var task = lease.Body;
        var startedAt = time.GetUtcNow();
        if (task.SchemaVersion != SegmentTask.CurrentSchemaVersion)
        {
            await lease.DeadLetterAsync($"unsupported schema version {task.SchemaVersion}", cancellationToken).ConfigureAwait(false);
            return;
        }

        var clip = BlobPath.Parse(task.ClipBlob);
        if (await blobs.GetInfoAsync(clip, cancellationToken).ConfigureAwait(false) is not null)
        {
            var latents = await blobs.ExistsAsync(BlobPath.Parse(task.LatentsBlob), cancellationToken).ConfigureAwait(false);
            await ReportAsync(lease, Result(task, SegmentOutcome.Succeeded, startedAt) with
            {
                ClipBlob = task.ClipBlob,
                LatentsBlob = latents ? task.LatentsBlob : null,
                FrameCount = task.Segment.RenderedFrames,
                Reused = true,
            }, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var lockLost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = KeepLockedAsync(lease, lockLost);
        var scratch = Path.Combine(options.ScratchRoot, $"{task.JobId}-{task.Segment.Index}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            SegmentResult result;
            try
            {
                var prepared = await blobs.ReadJsonAsync<PreparedJob>(BlobPath.Parse(task.PreparedBlob), lockLost.Token).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"prepared job {task.PreparedBlob} does not exist");
                var rendered = await renderer.RenderAsync(new SegmentRenderRequest(task, prepared, blobs, scratch), lockLost.Token)
                    .ConfigureAwait(false);
                if (rendered.FrameCount != task.Segment.RenderedFrames)
                {
                    throw new InvalidOperationException(
                        $"renderer returned {rendered.FrameCount} frames for a {task.Segment.RenderedFrames}-frame segment");
                }

                if (rendered.LatentsFile is not null)
                {
                    await blobs.UploadFileAsync(rendered.LatentsFile, BlobPath.Parse(task.LatentsBlob), overwrite: true, lockLost.Token)
                        .ConfigureAwait(false);
                }

                await blobs.UploadFileAsync(rendered.ClipFile, clip, overwrite: false, lockLost.Token).ConfigureAwait(false);
                result = Result(task, SegmentOutcome.Succeeded, startedAt) with
                {
                    ClipBlob = task.ClipBlob,
                    LatentsBlob = rendered.LatentsFile is null ? null : task.LatentsBlob,
                    FrameCount = rendered.FrameCount,
                };
            }
            catch (OperationCanceledException) when (lockLost.IsCancellationRequested)
            {
                // Shutdown or a lost lock: another delivery of this message will do the work.
                return;
            }
            catch (Exception e) when (e is not IOException)
            {
                result = Result(task, SegmentOutcome.Failed, startedAt) with { Error = $"{e.GetType().Name}: {e.Message}" };
            }

            await lockLost.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
            await ReportAsync(lease, result, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await lockLost.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
            Directory.Delete(scratch, recursive: true);
        }
    }

    private SegmentResult Result(SegmentTask task, SegmentOutcome outcome, DateTimeOffset startedAt) =>
        new(task.JobId, task.Segment.Index, task.Attempt, outcome, options.WorkerId, startedAt, time.GetUtcNow());

    private async Task ReportAsync(IMessageLease<SegmentTask> lease, SegmentResult result, CancellationToken cancellationToken)
    {
        await results.SendAsync([new QueueMessage<SegmentResult>(result.MessageId, result)], cancellationToken).ConfigureAwait(false);
        try
        {
            await lease.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MessageLockLostException)
        {
            // The result is out; a redelivery will find the clip and re-report, which the orchestrator ignores.
        }
    }

    /// <summary>Renews the lock until canceled; a lost lock cancels the render.</summary>
    private async Task KeepLockedAsync(IMessageLease<SegmentTask> lease, CancellationTokenSource lockLost)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.RenewInterval, time, lockLost.Token).ConfigureAwait(false);
                await lease.RenewAsync(lockLost.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (MessageLockLostException)
        {
            await lockLost.CancelAsync().ConfigureAwait(false);
        }
    }
}
