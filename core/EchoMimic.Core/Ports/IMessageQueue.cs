namespace EchoMimic.Core.Ports;

/// <summary>
/// An at-least-once message queue with peek-lock semantics, the common shape of Service Bus queues, Azure Storage
/// queues and the in-memory channel queue. A received message stays invisible to other receivers while its lease
/// is held (renewable); completing removes it, abandoning or letting the lease expire makes it visible again with
/// a higher delivery count; past <see cref="MaxDeliveryCount"/> deliveries it is dead-lettered with the reason.
/// Handlers must be idempotent: a message may arrive twice and in any order.
/// </summary>
public interface IMessageQueue<T>
    where T : class
{
    /// <summary>Deliveries after which a message is dead-lettered instead of redelivered (Service Bus default: 10).</summary>
    int MaxDeliveryCount { get; }

    /// <summary>Sends messages; <paramref name="messages"/> are visible to receivers when the call returns.</summary>
    Task SendAsync(IReadOnlyList<QueueMessage<T>> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Waits up to <paramref name="maxWait"/> for a message and locks it for <paramref name="lockDuration"/>;
    /// null when none arrived.
    /// </summary>
    Task<IMessageLease<T>?> ReceiveAsync(TimeSpan lockDuration, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>Messages dead-lettered so far (oldest first), for operators and tests.</summary>
    Task<IReadOnlyList<DeadLetter<T>>> PeekDeadLettersAsync(int maxCount, CancellationToken cancellationToken);
}
