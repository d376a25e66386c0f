using EchoMimic.Core.Jobs;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.Core.Webhooks;
using EchoMimic.Orchestration.Activities;
using EchoMimic.Orchestration.Webhooks;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>
/// One render job: wait for inputs → Prepare (on a worker) → plan segments → dispatch one queue message per segment (in batches of
/// <see cref="DispatchSegmentsActivity.MaxBatch"/>, one activity each) →
/// collect <c>segment-k</c> results, re-dispatching a segment whose deadline passes or whose worker reports a failure, up
/// to <see cref="RenderJobOptions.MaxAttempts"/> → Stitch (on a worker) → Notify. Prepare and Stitch are queue tasks
/// too (<see cref="WorkStage"/>): they need the weights and ffmpeg, which only the GPU workers have. Deterministic: time comes from the context, all I/O
/// is in activities, and duplicate or late <c>segment-k</c> events are ignored (the first success wins; clips of
/// any attempt are identical and share one name). A <c>cancel</c> event ends the job as canceled.
/// </summary>
public sealed class RenderJobOrchestrator : TaskOrchestrator<RenderJobInput, RenderJobOutcome>
{
    private static readonly TaskOptions Retried = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(2), 2.0));

    public override async Task<RenderJobOutcome> RunAsync(TaskOrchestrationContext context, RenderJobInput input)
    {
        var jobId = context.InstanceId;
        var spec = input.Spec;
        var options = input.Options;
        using var stopCancelWait = new CancellationTokenSource();
        var cancel = context.WaitForExternalEvent<string>(RenderJobEvents.Cancel, stopCancelWait.Token);
        var job = new JobReporter(context, input);

        await job.PhaseAsync(RenderJobPhases.WaitingForInputs);
        var inputWaitEnds = context.CurrentUtcDateTime + options.InputWait;
        while (true)
        {
            var missing = await context.CallActivityAsync<IReadOnlyList<string>>(nameof(CheckInputsActivity), spec.Inputs, Retried);
            if (missing.Count == 0)
            {
                break;
            }

            if (context.CurrentUtcDateTime >= inputWaitEnds)
            {
                return await job.FailAsync($"input missing: {string.Join(", ", missing)}");
            }

            using var stopTimer = new CancellationTokenSource();
            var poll = context.CreateTimer(options.InputPollInterval, stopTimer.Token);
            if (await Task.WhenAny(poll, cancel) == cancel)
            {
                stopTimer.Cancel();
                return await job.CancelAsync(cancel.Result);
            }
        }

        await job.PhaseAsync(RenderJobPhases.Preparing);
        var stages = new WorkStage(context, options, cancel, Retried);
        var prepare = await stages.RunAsync(WorkKind.Prepare,
            (attempt, at) => SegmentTask.ForPrepare(jobId, attempt, spec, JobBlobs.Prepared(jobId).ToString(), at));
        job.AddStage(SegmentEvents.Prepare, prepare);
        if (prepare.Canceled)
        {
            return await job.CancelAsync(cancel.Result);
        }

        if (prepare.Error is { } prepareError)
        {
            return await job.FailAsync(prepareError);
        }

        if (prepare.Result!.Prepared is not { } prepared)
        {
            return await job.FailAsync("prepare reported success without a prepared job");
        }

        if (spec.Settings.Mode == RenderMode.Preview)
        {
            // The cheap job type: no segments, no denoising; a worker draws the pose maps over the portrait.
            await job.PhaseAsync(RenderJobPhases.Previewing);
            var previewRequest = new PreviewRequest(spec, prepared, JobBlobs.Video(jobId, spec.OutputName).ToString(),
                JobBlobs.Poster(jobId).ToString(), JobBlobs.Report(jobId).ToString());
            var preview = await stages.RunAsync(WorkKind.Preview,
                (attempt, at) => SegmentTask.ForPreview(jobId, attempt, JobBlobs.Prepared(jobId).ToString(), previewRequest, at));
            return await FinishAsync(context, job, SegmentEvents.Preview, preview, cancel, stopCancelWait);
        }

        var board = new SegmentBoard(new SegmentPlanner(options.SegmentLength, options.Overlap).Plan(prepared.FrameCount));
        job.Board = board;
        await job.PhaseAsync(RenderJobPhases.Rendering);
        var first = board.Plan.Segments.Select(segment => Arm(context, input, board, segment)).ToList();
        await Task.WhenAll(first.Chunk(DispatchSegmentsActivity.MaxBatch)
            .Select(batch => context.CallActivityAsync<int>(nameof(DispatchSegmentsActivity), batch, Retried)));
        job.Publish(RenderJobPhases.Rendering);
        while (!board.AllDone)
        {
            var finished = await Task.WhenAny(board.PendingTasks().Append(cancel));
            if (finished == cancel)
            {
                board.StopAll();
                return await job.CancelAsync(cancel.Result);
            }

            var (k, isResult) = board.Identify(finished);
            var segment = board.Plan.Segments[k];
            if (isResult)
            {
                var result = ((Task<SegmentResult>)finished).Result;
                if (result.JobId != jobId || result.SegmentIndex != k)
                {
                    WaitForResult(context, board, k);
                    continue; // a stray event: keep waiting for this segment's own result
                }

                if (result.Outcome == SegmentOutcome.Succeeded)
                {
                    board.Accept(k, result);
                    job.Publish(RenderJobPhases.Rendering);
                    continue;
                }

                WaitForResult(context, board, k);
                if (result.Attempt < board.AttemptOf(k))
                {
                    continue; // a late failure of an attempt that was already replaced
                }

                board.StopDeadline(k);
                if (board.AttemptOf(k) >= options.MaxAttempts)
                {
                    board.StopAll();
                    return await job.FailAsync($"segment {k} failed after {board.AttemptOf(k)} attempts: {result.Error}");
                }
            }
            else if (board.AttemptOf(k) >= options.MaxAttempts)
            {
                board.StopAll();
                return await job.FailAsync(
                    $"segment {k} did not report within {options.SegmentDeadline} on any of {board.AttemptOf(k)} attempts");
            }

            await DispatchAsync(context, input, board, segment);
            job.Publish(RenderJobPhases.Rendering);
        }

        await job.PhaseAsync(RenderJobPhases.Stitching);
        var request = StitchRequestFor(jobId, input, prepared, board);
        var stitch = await stages.RunAsync(WorkKind.Stitch,
            (attempt, at) => SegmentTask.ForStitch(jobId, attempt, spec.Settings, JobBlobs.Prepared(jobId).ToString(), request, at) with
            {
                StitchBlob = JobBlobs.StitchRequest(jobId).ToString(),
            });
        return await FinishAsync(context, job, SegmentEvents.Stitch, stitch, cancel, stopCancelWait);
    }

    /// <summary>Ends the job after its output stage (stitch, or preview): canceled, failed, or succeeded with the outputs' URLs.</summary>
    private static async Task<RenderJobOutcome> FinishAsync(TaskOrchestrationContext context, JobReporter job, string stage, StageOutcome outcome,
        Task<string> cancel, CancellationTokenSource stopCancelWait)
    {
        job.AddStage(stage, outcome);
        if (outcome.Canceled)
        {
            return await job.CancelAsync(cancel.Result);
        }

        if (outcome.Error is { } error)
        {
            return await job.FailAsync(error);
        }

        if (outcome.Result!.Stitched is not { } outputs)
        {
            return await job.FailAsync($"{stage} reported success without outputs");
        }

        var stitched = await context.CallActivityAsync<StitchedJob>(nameof(LocateOutputsActivity), outputs, Retried);
        stopCancelWait.Cancel();
        return await job.SucceedAsync(stitched);
    }

    private static Task DispatchAsync(TaskOrchestrationContext context, RenderJobInput input, SegmentBoard board, Segment segment) =>
        context.CallActivityAsync<bool>(nameof(DispatchSegmentActivity), Arm(context, input, board, segment), Retried);

    /// <summary>The next attempt's task for a segment, with its deadline timer started and its result awaited.</summary>
    private static SegmentTask Arm(TaskOrchestrationContext context, RenderJobInput input, SegmentBoard board, Segment segment)
    {
        var jobId = context.InstanceId;
        var task = new SegmentTask(jobId, segment, board.Count, board.AttemptOf(segment.Index) + 1, input.Spec.Settings,
            JobBlobs.Prepared(jobId).ToString(), JobBlobs.Clip(jobId, segment.Index).ToString(),
            JobBlobs.Latents(jobId, segment.Index).ToString(), new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero));
        var stopTimer = new CancellationTokenSource();
        var deadline = context.CreateTimer(context.CurrentUtcDateTime + input.Options.SegmentDeadline, stopTimer.Token);
        board.Dispatched(segment.Index, deadline, stopTimer);
        if (!board.IsWaitingForResult(segment.Index))
        {
            WaitForResult(context, board, segment.Index);
        }

        return task;
    }

    private static void WaitForResult(TaskOrchestrationContext context, SegmentBoard board, int segment) =>
        board.WaitingForResult(segment, context.WaitForExternalEvent<SegmentResult>(SegmentEvents.NameFor(segment)));

    private static StitchRequest StitchRequestFor(string jobId, RenderJobInput input, PreparedJob prepared, SegmentBoard board)
    {
        var segments = board.Plan.Segments.Select(segment =>
        {
            var result = board.AcceptedResult(segment.Index)!;
            return new StitchSegment(segment, result.ClipBlob ?? JobBlobs.Clip(jobId, segment.Index).ToString(),
                result.LatentsBlob, result.WorkerId, board.AttemptOf(segment.Index), result.StartedAt, result.FinishedAt, result.Reused);
        }).ToList();
        var settings = input.Spec.Settings;
        var extras = new Dictionary<string, string>
        {
            ["jobId"] = jobId,
            ["mode"] = settings.Mode.ToString().ToLowerInvariant(),
            ["steps"] = settings.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["seed"] = settings.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["segmentLength"] = board.Plan.SegmentLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["overlap"] = board.Plan.Overlap.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return new StitchRequest(prepared, segments, JobBlobs.Video(jobId, input.Spec.OutputName).ToString(),
            JobBlobs.Poster(jobId).ToString(), JobBlobs.Report(jobId).ToString(), extras);
    }
}
