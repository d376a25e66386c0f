using EchoMimic.Core;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EchoMimic.Worker;

/// <summary>
/// The GPU worker loop: take a task, keep its lock renewed while working, report the result. A segment task is
/// rendered and its clip uploaded (latents first, so a visible clip implies its latents are there); the job's Prepare
/// and Stitch stages (<see cref="WorkKind"/>) run here too, because only workers have the weights and ffmpeg.
/// Idempotent per task: when the clip (prepared.json, report.json) is already committed (a redelivery, or a
/// re-dispatch racing a slow first attempt) it re-reports instead of working twice. Render failures are reported with the reason and the message completed, because the
/// orchestrator owns retries (a new attempt); storage or queue failures abandon the message for redelivery.
/// </summary>
public sealed class SegmentWorker(ISegmentQueue segments, IResultQueue results, IBlobStore blobs, IJobPreparer preparer,
    ISegmentRenderer renderer, IClipStitcher stitcher, SegmentWorkerOptions options, TimeProvider time, IJobPreviewer? previewer = null,
    ILogger? logger = null)
{
    private readonly ILogger log = logger ?? NullLogger.Instance;

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
                        log.LogWarning("Worker {WorkerId} left {Kind} task {MessageId} (job {JobId}, segment {Segment}, attempt {Attempt}) for redelivery: {Reason}",
                            options.WorkerId, lease.Body.Kind, lease.MessageId, lease.Body.JobId, lease.Body.Segment.Index, lease.Body.Attempt, e.Message);
                    }
                }
            }
        }
    }

    /// <summary>Handles one received task to the end (settled or left for redelivery).</summary>
    public async Task ProcessAsync(IMessageLease<SegmentTask> lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var task = lease.Body;
        var startedAt = time.GetUtcNow();
        if (task.SchemaVersion is < 1 or > SegmentTask.CurrentSchemaVersion)
        {
            await lease.DeadLetterAsync($"unsupported schema version {task.SchemaVersion}", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (Unreadable(task) is { } problem)
        {
            await lease.DeadLetterAsync(problem, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (task.Kind == WorkKind.Segment && await blobs.GetInfoAsync(BlobPath.Parse(task.ClipBlob), cancellationToken).ConfigureAwait(false) is not null)
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
        // A lost lock cancels the work: another delivery of the message does it.
        var renewing = LeaseRenewal.KeepAsync(lease, options.RenewInterval, time, lockLost.Token, lockLost.Token, lockLost.CancelAsync);
        try
        {
            SegmentResult result;
            try
            {
                result = task.Kind switch
                {
                    WorkKind.Prepare => await PrepareAsync(task, startedAt, lockLost.Token).ConfigureAwait(false),
                    WorkKind.Stitch => await StitchAsync(task, startedAt, lockLost.Token).ConfigureAwait(false),
                    WorkKind.Preview => await PreviewAsync(task, startedAt, lockLost.Token).ConfigureAwait(false),
                    _ => await RenderAsync(task, startedAt, lockLost.Token).ConfigureAwait(false),
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
        }
    }

    private static string? Unreadable(SegmentTask task) => task.Kind switch
    {
        WorkKind.Segment => null,
        WorkKind.Prepare when task.Spec is null => "a prepare task without its job spec",
        WorkKind.Stitch when task.Stitch is null && string.IsNullOrEmpty(task.StitchBlob) => "a stitch task without its stitch request",
        WorkKind.Preview when task.Preview is null => "a preview task without its preview request",
        WorkKind.Prepare or WorkKind.Stitch or WorkKind.Preview => null,
        _ => $"unknown task kind {task.Kind}",
    };

    private async Task<SegmentResult> RenderAsync(SegmentTask task, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(options.ScratchRoot, $"{task.JobId}-{task.Segment.Index}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var prepared = await blobs.ReadJsonAsync<PreparedJob>(BlobPath.Parse(task.PreparedBlob), cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"prepared job {task.PreparedBlob} does not exist");
            var rendered = await renderer.RenderAsync(new SegmentRenderRequest(task, prepared, blobs, scratch), cancellationToken)
                .ConfigureAwait(false);
            if (rendered.FrameCount != task.Segment.RenderedFrames)
            {
                throw new InvalidOperationException(
                    $"renderer returned {rendered.FrameCount} frames for a {task.Segment.RenderedFrames}-frame segment");
            }

            if (rendered.LatentsFile is not null)
            {
                await blobs.UploadFileAsync(rendered.LatentsFile, BlobPath.Parse(task.LatentsBlob), overwrite: true, cancellationToken)
                    .ConfigureAwait(false);
            }

            await blobs.UploadFileAsync(rendered.ClipFile, BlobPath.Parse(task.ClipBlob), overwrite: false, cancellationToken).ConfigureAwait(false);
            return Result(task, SegmentOutcome.Succeeded, startedAt) with
            {
                ClipBlob = task.ClipBlob,
                LatentsBlob = rendered.LatentsFile is null ? null : task.LatentsBlob,
                FrameCount = rendered.FrameCount,
            };
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// The Prepare stage: the stored prepared.json of an earlier attempt is re-reported; otherwise the engine prepares
    /// (its blobs are keyed by input hashes, so this is cheap when another job had the same inputs) and the result is
    /// committed first-writer-wins and read back, so every attempt reports the same prepared job. Bad inputs are
    /// reported as <see cref="SegmentOutcome.Rejected"/> with the user-facing message: no retry can fix them.
    /// </summary>
    private async Task<SegmentResult> PrepareAsync(SegmentTask task, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var stored = BlobPath.Parse(task.PreparedBlob);
        var prepared = await blobs.ReadJsonAsync<PreparedJob>(stored, cancellationToken).ConfigureAwait(false);
        var reused = prepared is not null;
        if (prepared is null)
        {
            PreparedJob fresh;
            try
            {
                fresh = await preparer.PrepareAsync(task.JobId, task.Spec!, cancellationToken).ConfigureAwait(false);
            }
            catch (InputException e)
            {
                return Result(task, SegmentOutcome.Rejected, startedAt) with { Error = e.Message };
            }

            await blobs.PutJsonAsync(stored, fresh, overwrite: false, cancellationToken).ConfigureAwait(false);
            prepared = await blobs.ReadJsonAsync<PreparedJob>(stored, cancellationToken).ConfigureAwait(false)
                ?? throw new IOException($"{task.PreparedBlob} vanished after it was committed");
        }

        return Result(task, SegmentOutcome.Succeeded, startedAt) with { Prepared = prepared, FrameCount = prepared.FrameCount, Reused = reused };
    }

    /// <summary>
    /// The Stitch stage. The stitcher is idempotent (report.json is written last and, when present, returned without
    /// work; outputs are committed through temporary names, first writer wins), so a redelivered or re-dispatched
    /// stitch whose outputs exist re-reports them. The request comes from the task's stitch blob (schema 3; written by
    /// the dispatcher just before the message) or, in a schema-2 message, inline. A missing blob is reported as a failure:
    /// the orchestrator's re-dispatch writes it again.
    /// </summary>
    private async Task<SegmentResult> StitchAsync(SegmentTask task, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var request = task.Stitch
            ?? await blobs.ReadJsonAsync<StitchRequest>(BlobPath.Parse(task.StitchBlob!), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"stitch request {task.StitchBlob} does not exist");
        var reused = await blobs.ExistsAsync(BlobPath.Parse(request.ReportBlob), cancellationToken).ConfigureAwait(false);
        var stitched = await stitcher.StitchAsync(request, cancellationToken).ConfigureAwait(false);
        return Result(task, SegmentOutcome.Succeeded, startedAt) with { Stitched = stitched, FrameCount = stitched.FrameCount, Reused = reused };
    }

    /// <summary>The preview job type's output stage; idempotent like Stitch (report.json last, first writer wins).</summary>
    private async Task<SegmentResult> PreviewAsync(SegmentTask task, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var request = task.Preview!;
        if (previewer is null)
        {
            throw new InvalidOperationException($"worker {options.WorkerId} has no previewer");
        }

        var reused = await blobs.ExistsAsync(BlobPath.Parse(request.ReportBlob), cancellationToken).ConfigureAwait(false);
        var outputs = await previewer.PreviewAsync(request, cancellationToken).ConfigureAwait(false);
        return Result(task, SegmentOutcome.Succeeded, startedAt) with { Stitched = outputs, FrameCount = outputs.FrameCount, Reused = reused };
    }

    private SegmentResult Result(SegmentTask task, SegmentOutcome outcome, DateTimeOffset startedAt) =>
        new(task.JobId, task.Segment.Index, task.Attempt, outcome, options.WorkerId, startedAt, time.GetUtcNow()) { Kind = task.Kind };

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
}
