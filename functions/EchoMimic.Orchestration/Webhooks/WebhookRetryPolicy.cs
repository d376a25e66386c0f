namespace EchoMimic.Orchestration.Webhooks;

/// <summary>
/// Exponential backoff for webhook delivery, run with durable timers so waits survive restarts and cost nothing:
/// 30 s, 1 min, 2 min, ... capped at 1 h between attempts, giving up 24 h after the first attempt (the window
/// Event Grid and Standard Webhooks senders commonly use).
/// </summary>
public sealed record WebhookRetryPolicy(TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan GiveUpAfter)
{
    public static WebhookRetryPolicy Default { get; } =
        new(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), TimeSpan.FromHours(24));

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(MaxDelay.Ticks, FirstDelay.Ticks * factor));
    }
}
