using Azure.Messaging.ServiceBus;

namespace EchoMimic.Infrastructure.Tests.Azure.ServiceBusDouble;

/// <summary>
/// TEST DOUBLE of one Service Bus queue (the broker side), behind <see cref="InMemoryServiceBusSender"/>,
/// <see cref="InMemoryServiceBusReceiver"/> and <see cref="InMemoryServiceBusProcessor"/>. It follows the documented
/// queue behaviour (learn.microsoft.com: "Message transfers, locks, and settlement", "Duplicate detection",
/// "Dead-letter queues"):
/// <list type="bullet">
/// <item>peek-lock: a received message is locked for the entity's <see cref="LockDuration"/> (per queue, not per
/// receive) under a fresh lock token; other receivers do not see it until it is settled or the lock lapses;</item>
/// <item>the delivery count is incremented on every locked delivery; abandon or lock expiry returns the message, and
/// when its delivery count has reached <see cref="MaxDeliveryCount"/> it goes to the dead-letter sub-queue with
/// reason <c>MaxDeliveryCountExceeded</c> instead;</item>
/// <item>settling or renewing with a lock token that is no longer valid (expired, or already settled) fails with
/// <see cref="ServiceBusFailureReason.MessageLockLost"/>;</item>
/// <item>renewal extends the lock by <see cref="LockDuration"/> from now and updates the received message's
/// <c>LockedUntil</c> in place, as the SDK does;</item>
/// <item>a message whose MessageId was already accepted within <see cref="DuplicateDetectionWindow"/> is accepted
/// by the send and silently dropped;</item>
/// <item>dead-lettering stores the reason and description in the application properties
/// <c>DeadLetterReason</c>/<c>DeadLetterErrorDescription</c>, where the SDK reads them.</item>
/// </list>
/// Not modelled: sessions, scheduled and deferred messages, time to live, transactions, AMQP link and connection
/// failures, prefetch buffers, partitioning, and throttling.
/// </summary>
public sealed class InMemoryServiceBusEntity(string name, TimeSpan lockDuration, int maxDeliveryCount,
    TimeSpan duplicateDetectionWindow)
{
    /// <summary>Standard tier's maximum message size; a batch may not exceed it either.</summary>
    public const long MaxMessageSizeInBytes = 256 * 1024;

    private readonly object gate = new();
    private readonly List<StoredMessage> active = [];
    private readonly List<StoredMessage> deadLettered = [];
    private readonly Dictionary<string, DateTimeOffset> acceptedIds = new(StringComparer.Ordinal);
    private long sequence;

    public string Name { get; } = name;

    public TimeSpan LockDuration { get; } = lockDuration;

    public int MaxDeliveryCount { get; } = maxDeliveryCount;

    public TimeSpan DuplicateDetectionWindow { get; } = duplicateDetectionWindow;

    /// <summary>Sends dropped by duplicate detection.</summary>
    public int DuplicatesDropped { get; private set; }

    /// <summary>Messages neither completed nor dead-lettered (available or locked).</summary>
    public int ActiveCount
    {
        get
        {
            lock (gate)
            {
                ExpireLocks();
                return active.Count;
            }
        }
    }

    public int DeadLetterCount
    {
        get
        {
            lock (gate)
            {
                ExpireLocks();
                return deadLettered.Count;
            }
        }
    }

    /// <summary>Makes the current lock of <paramref name="messageId"/> lapse now, as if the renewals had stopped.</summary>
    public void ExpireLock(string messageId)
    {
        lock (gate)
        {
            var stored = active.Single(m => m.MessageId == messageId && m.LockToken is not null);
            stored.LockedUntil = DateTimeOffset.UtcNow.AddTicks(-1);
            ExpireLocks();
        }
    }

    internal void Enqueue(IEnumerable<ServiceBusMessage> messages)
    {
        lock (gate)
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var expired in acceptedIds.Where(p => now - p.Value > DuplicateDetectionWindow).Select(p => p.Key).ToList())
            {
                acceptedIds.Remove(expired);
            }

            foreach (var message in messages)
            {
                var id = message.MessageId ?? Guid.NewGuid().ToString("N");
                if (acceptedIds.ContainsKey(id))
                {
                    DuplicatesDropped++;
                    continue;
                }

                acceptedIds[id] = now;
                active.Add(new StoredMessage(id, message.Body, ++sequence, now)
                {
                    ContentType = message.ContentType,
                    Subject = message.Subject,
                    CorrelationId = message.CorrelationId,
                    Properties = new Dictionary<string, object>(message.ApplicationProperties),
                });
            }
        }
    }

    internal async Task<ServiceBusReceivedMessage?> ReceiveAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + maxWait;
        while (true)
        {
            lock (gate)
            {
                ExpireLocks();
                if (active.FirstOrDefault(m => m.LockToken is null) is { } next)
                {
                    next.DeliveryCount++;
                    next.LockToken = Guid.NewGuid();
                    next.LockedUntil = DateTimeOffset.UtcNow + LockDuration;
                    return next.ToReceived();
                }
            }

            var left = deadline - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            // Polling keeps the double simple; 10 ms is far below every wait and lock the tests use.
            await Task.Delay(left < TimeSpan.FromMilliseconds(10) ? left : TimeSpan.FromMilliseconds(10), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    internal void Complete(ServiceBusReceivedMessage message) => Settle(message, stored => active.Remove(stored));

    internal void Abandon(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify) =>
        Settle(message, stored =>
        {
            Merge(stored, propertiesToModify);
            Release(stored);
        });

    internal void DeadLetter(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify,
        string? reason, string? description) =>
        Settle(message, stored =>
        {
            Merge(stored, propertiesToModify);
            MoveToDeadLetters(stored, reason, description);
        });

    internal void Renew(ServiceBusReceivedMessage message)
    {
        lock (gate)
        {
            var stored = Locked(message);
            stored.LockedUntil = DateTimeOffset.UtcNow + LockDuration;
            // The SDK updates the received message's LockedUntil in place; it lives in the AMQP annotations.
            message.GetRawAmqpMessage().MessageAnnotations[StoredMessage.LockedUntilAnnotation] = stored.LockedUntil.UtcDateTime;
        }
    }

    internal IReadOnlyList<ServiceBusReceivedMessage> Peek(bool deadLetterQueue, int maxMessages, long? fromSequenceNumber)
    {
        lock (gate)
        {
            ExpireLocks();
            return (deadLetterQueue ? deadLettered : active)
                .Where(m => fromSequenceNumber is null || m.SequenceNumber >= fromSequenceNumber)
                .OrderBy(m => m.SequenceNumber).Take(maxMessages).Select(m => m.ToReceived()).ToList();
        }
    }

    private void Settle(ServiceBusReceivedMessage message, Action<StoredMessage> settle)
    {
        lock (gate)
        {
            settle(Locked(message));
        }
    }

    /// <summary>The message locked under <paramref name="message"/>'s lock token, or the broker's lock-lost error.</summary>
    private StoredMessage Locked(ServiceBusReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ExpireLocks();
        return active.FirstOrDefault(m => m.LockToken is { } token && token.ToString() == message.LockToken)
            ?? throw new ServiceBusException(
                "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
                ServiceBusFailureReason.MessageLockLost, Name);
    }

    private void ExpireLocks()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var stored in active.Where(m => m.LockToken is not null && m.LockedUntil <= now).ToList())
        {
            Release(stored);
        }
    }

    /// <summary>Unlocks after abandon or expiry: dead-letters when the delivery count has reached the maximum.</summary>
    private void Release(StoredMessage stored)
    {
        stored.LockToken = null;
        if (stored.DeliveryCount >= MaxDeliveryCount)
        {
            MoveToDeadLetters(stored, "MaxDeliveryCountExceeded",
                $"Message could not be consumed after {MaxDeliveryCount} delivery attempts.");
        }
    }

    private void MoveToDeadLetters(StoredMessage stored, string? reason, string? description)
    {
        stored.LockToken = null;
        active.Remove(stored);
        if (reason is not null)
        {
            stored.Properties["DeadLetterReason"] = reason;
        }

        if (description is not null)
        {
            stored.Properties["DeadLetterErrorDescription"] = description;
        }

        stored.DeadLetterSource = Name;
        deadLettered.Add(stored);
    }

    private static void Merge(StoredMessage stored, IDictionary<string, object>? properties)
    {
        foreach (var (key, value) in properties ?? new Dictionary<string, object>())
        {
            stored.Properties[key] = value;
        }
    }
}
