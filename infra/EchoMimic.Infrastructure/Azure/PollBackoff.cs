namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// The waits between polls of a queue that has no long polling (Storage queues): a receiver polls again at once while
/// messages come, and only an empty poll starts a wait, which doubles from <see cref="Initial"/> up to
/// <see cref="Max"/> while the queue stays empty. Each receive starts a new sequence. Not thread-safe: one per
/// receive call.
/// </summary>
public sealed class PollBackoff
{
    public PollBackoff(TimeSpan initial, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        Initial = initial;
        Max = max;
        next = initial;
    }

    private TimeSpan next;

    public TimeSpan Initial { get; }

    public TimeSpan Max { get; }

    /// <summary>The wait after an empty poll; each call doubles the following one, up to <see cref="Max"/>.</summary>
    public TimeSpan AfterEmptyPoll()
    {
        var wait = next;
        next = TimeSpan.FromTicks(Math.Min(next.Ticks * 2, Max.Ticks));
        return wait;
    }
}
