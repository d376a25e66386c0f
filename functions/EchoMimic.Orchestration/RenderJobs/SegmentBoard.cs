using EchoMimic.Core.Messages;
using EchoMimic.Core.Segments;

namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>
/// The render phase's bookkeeping inside the orchestrator: per segment, the current attempt, the outstanding
/// <c>segment-k</c> waiter, the deadline timer and the accepted result. Pure state; all durable calls stay in
/// <see cref="RenderJobOrchestrator"/>.
/// </summary>
internal sealed class SegmentBoard(SegmentPlan plan)
{
    private readonly int[] attempts = new int[plan.Segments.Count];
    private readonly SegmentResult?[] accepted = new SegmentResult?[plan.Segments.Count];
    private readonly Dictionary<int, Task<SegmentResult>> resultWaits = [];
    private readonly Dictionary<int, (Task Timer, CancellationTokenSource Cancel)> deadlines = [];

    public SegmentPlan Plan { get; } = plan;

    public int Count => Plan.Segments.Count;

    public int Done => accepted.Count(result => result is not null);

    public int Dispatches => attempts.Sum();

    public bool AllDone => Done == Count;

    public int AttemptOf(int segment) => attempts[segment];

    public SegmentResult? AcceptedResult(int segment) => accepted[segment];

    public void Dispatched(int segment, Task timer, CancellationTokenSource cancelTimer)
    {
        attempts[segment]++;
        deadlines[segment] = (timer, cancelTimer);
    }

    public bool IsWaitingForResult(int segment) => resultWaits.ContainsKey(segment);

    public void WaitingForResult(int segment, Task<SegmentResult> wait) => resultWaits[segment] = wait;

    /// <summary>Everything the orchestrator may wake up for next (results and deadlines of unfinished segments).</summary>
    public IEnumerable<Task> PendingTasks() =>
        resultWaits.Values.Cast<Task>().Concat(deadlines.Values.Select(deadline => deadline.Timer));

    /// <summary>Which segment a finished task belongs to, and whether it was its result (else its deadline).</summary>
    public (int Segment, bool IsResult) Identify(Task finished)
    {
        foreach (var (segment, wait) in resultWaits)
        {
            if (ReferenceEquals(wait, finished))
            {
                resultWaits.Remove(segment);
                return (segment, true);
            }
        }

        foreach (var (segment, deadline) in deadlines)
        {
            if (ReferenceEquals(deadline.Timer, finished))
            {
                deadlines.Remove(segment);
                return (segment, false);
            }
        }

        throw new InvalidOperationException("a task finished that the board does not track");
    }

    public void Accept(int segment, SegmentResult result)
    {
        accepted[segment] = result;
        StopDeadline(segment);
    }

    public void StopDeadline(int segment)
    {
        if (deadlines.Remove(segment, out var deadline))
        {
            deadline.Cancel.Cancel();
            deadline.Cancel.Dispose();
        }
    }

    public void StopAll()
    {
        foreach (var segment in deadlines.Keys.ToArray())
        {
            StopDeadline(segment);
        }
    }
}
