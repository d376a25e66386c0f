namespace EchoMimic.Infrastructure.Azure;

/// <summary>How a GPU worker consumes segment tasks from Service Bus.</summary>
public sealed record ServiceBusSegmentProcessorOptions
{
    /// <summary>The queue's maxDeliveryCount (bicep <c>maxDeliveryCount</c>); the last delivery dead-letters on failure.</summary>
    public int MaxDeliveryCount { get; init; } = 5;

    /// <summary>How long the SDK keeps renewing a task's lock: longer than the slowest segment (default 2 h).</summary>
    public TimeSpan MaxLockRenewal { get; init; } = TimeSpan.FromHours(2);

    /// <summary>0 or 1: a replica renders one segment at a time and must not hoard others' work.</summary>
    public int PrefetchCount { get; init; }
}
