using EchoMimic.Core.Messages;
using EchoMimic.Orchestration.Activities;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>
/// Runs one job stage (Prepare, Stitch) on a GPU worker the way segments run: a task on the segment queue, the
/// result back as the stage's event (<c>prepare</c>, <c>stitch</c>), a durable-timer deadline per attempt, and a
/// re-dispatch with attempt + 1 when the deadline passes or the current attempt reports a failure, until
/// <see cref="RenderJobOptions.MaxAttempts"/>. A <see cref="SegmentOutcome.Rejected"/> result (bad inputs) ends the
/// stage at once. Late failures of replaced attempts and events of other jobs or kinds are ignored; the first success
/// wins (stage outputs are deterministic and committed first-writer-wins, so any attempt's success is the result).
/// Runs on the orchestration context only.
/// </summary>
internal sealed class WorkStage(TaskOrchestrationContext context, RenderJobOptions options, Task<string> cancel, TaskOptions dispatchRetry)
{
    public async Task<StageOutcome> RunAsync(WorkKind kind, Func<int, DateTimeOffset, SegmentTask> taskFor)
    {
        var name = SegmentEvents.NameFor(kind, 0);
        Task<SegmentResult>? wait = null;
        for (var attempt = 1; ; attempt++)
        {
            using var stopTimer = new CancellationTokenSource();
            var deadline = context.CreateTimer(context.CurrentUtcDateTime + options.StageDeadline, stopTimer.Token);
            wait ??= context.WaitForExternalEvent<SegmentResult>(name);
            var task = taskFor(attempt, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero));
            await context.CallActivityAsync<bool>(nameof(DispatchSegmentActivity), task, dispatchRetry);
            while (true)
            {
                var finished = await Task.WhenAny(wait, deadline, cancel);
                if (finished == cancel)
                {
                    stopTimer.Cancel();
                    return new StageOutcome(null, null, Canceled: true, attempt);
                }

                if (finished == deadline)
                {
                    if (attempt >= options.MaxAttempts)
                    {
                        return Failed($"{name} did not report within {options.StageDeadline} on any of {attempt} attempts", attempt);
                    }

                    break; // re-dispatch; the outstanding wait also catches a slow earlier attempt's success
                }

                var result = wait.Result;
                wait = null;
                if (result.JobId != context.InstanceId || result.Kind != kind)
                {
                    wait = context.WaitForExternalEvent<SegmentResult>(name);
                    continue; // a stray event
                }

                switch (result.Outcome)
                {
                    case SegmentOutcome.Succeeded:
                        stopTimer.Cancel();
                        return new StageOutcome(result, null, Canceled: false, attempt);
                    case SegmentOutcome.Rejected:
                        stopTimer.Cancel();
                        return Failed(result.Error ?? $"{name} rejected the job's inputs", attempt);
                }

                wait = context.WaitForExternalEvent<SegmentResult>(name);
                if (result.Attempt < attempt)
                {
                    continue; // a late failure of an attempt that was already replaced
                }

                stopTimer.Cancel();
                if (attempt >= options.MaxAttempts)
                {
                    return Failed($"{name} failed after {attempt} attempts: {result.Error}", attempt);
                }

                break;
            }
        }
    }

    private static StageOutcome Failed(string error, int attempts) => new(null, error, Canceled: false, attempts);
}
