using System.Text.Json;
using EchoMimic.Core;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Embedded;

/// <summary>
/// A peek-lock queue in process memory with the broker behaviour the contract suite checks: bodies round-trip
/// through JSON (as on the wire), locks expire, every expiry or abandon counts as a delivery, and the delivery
/// after <see cref="MaxDeliveryCount"/> goes to the dead-letter list. Used by <c>echomimic render</c> and tests.
/// </summary>
public class InMemoryMessageQueue<T> : IMessageQueue<T>
    where T : class
{
    private readonly object gate = new();
    private readonly LinkedList<Entry> entries = new();
    private readonly List<DeadLetter<T>> deadLetters = [];
    private readonly TimeProvider time;
    private TaskCompletionSource signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InMemoryMessageQueue(int maxDeliveryCount = 10, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDeliveryCount, 1);
        MaxDeliveryCount = maxDeliveryCount;
        time = timeProvider ?? TimeProvider.System;
    }

    public int MaxDeliveryCount { get; }

    /// <summary>Messages not yet completed or dead-lettered (locked ones included).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    public Task SendAsync(IReadOnlyList<QueueMessage<T>> messages, CancellationToken cancellationToken)
    {
        var encoded = messages.Select(m => new Entry(m.MessageId, JsonSerializer.SerializeToUtf8Bytes(m.Body, MessageJson.Options))).ToList();
        lock (gate)
        {
            foreach (var entry in encoded)
            {
                entries.AddLast(entry);
            }

            Wake();
        }

        return Task.CompletedTask;
    }

    public async Task<IMessageLease<T>?> ReceiveAsync(TimeSpan lockDuration, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + maxWait;
        while (true)
        {
            Task wake;
            TimeSpan nextExpiry;
            lock (gate)
            {
                var now = time.GetUtcNow();
                nextExpiry = TimeSpan.MaxValue;
                for (var node = entries.First; node is not null;)
                {
                    var entry = node.Value;
                    var next = node.Next;
                    if (entry.LockedUntil > now)
                    {
                        nextExpiry = TimeSpan.FromTicks(Math.Min(nextExpiry.Ticks, (entry.LockedUntil - now).Ticks));
                        node = next;
                        continue;
                    }

                    entry.DeliveryCount++;
                    if (entry.DeliveryCount > MaxDeliveryCount)
                    {
                        entries.Remove(node);
                        deadLetters.Add(new DeadLetter<T>(entry.MessageId, Decode(entry), entry.DeliveryCount - 1,
                            entry.LastReason ?? "max delivery count exceeded"));
                        node = next;
                        continue;
                    }

                    entry.LockToken++;
                    entry.LockedUntil = now + lockDuration;
                    return new Lease(this, entry, entry.LockToken, lockDuration, Decode(entry));
                }

                wake = signal.Task;
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            // Wake on a send, on the next lock expiry, or at the deadline, whichever comes first.
            var wait = TimeSpan.FromTicks(Math.Min(remaining.Ticks, nextExpiry.Ticks));
            await Task.WhenAny(wake, Task.Delay(wait, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public Task<IReadOnlyList<DeadLetter<T>>> PeekDeadLettersAsync(int maxCount, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<DeadLetter<T>>>(deadLetters.Take(maxCount).ToList());
        }
    }

    private static T Decode(Entry entry) => JsonSerializer.Deserialize<T>(entry.Body, MessageJson.Options)!;

    private void Wake()
    {
        var previous = signal;
        signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    private void Settle(Entry entry, long token, Action<LinkedListNode<Entry>> settle)
    {
        lock (gate)
        {
            var node = entries.Find(entry);
            if (node is null || entry.LockToken != token || entry.LockedUntil <= time.GetUtcNow())
            {
                throw new MessageLockLostException(entry.MessageId);
            }

            settle(node);
            Wake();
        }
    }

    private sealed class Entry(string messageId, byte[] body)
    {
        public string MessageId { get; } = messageId;

        public byte[] Body { get; } = body;

        public int DeliveryCount { get; set; }

        public long LockToken { get; set; }

        public DateTimeOffset LockedUntil { get; set; } = DateTimeOffset.MinValue;

        public string? LastReason { get; set; }
    }

    private sealed class Lease(InMemoryMessageQueue<T> queue, Entry entry, long token, TimeSpan lockDuration, T body)
        : IMessageLease<T>
    {
        private bool settled;

        public string MessageId => entry.MessageId;

        public T Body { get; } = body;

        public int DeliveryCount { get; } = entry.DeliveryCount;

        public DateTimeOffset LockedUntil { get; private set; } = entry.LockedUntil;

        public Task RenewAsync(CancellationToken cancellationToken)
        {
            queue.Settle(entry, token, _ =>
            {
                entry.LockedUntil = queue.time.GetUtcNow() + lockDuration;
                LockedUntil = entry.LockedUntil;
            });
            return Task.CompletedTask;
        }

        public Task CompleteAsync(CancellationToken cancellationToken)
        {
            queue.Settle(entry, token, node => queue.entries.Remove(node));
            settled = true;
            return Task.CompletedTask;
        }

        public Task AbandonAsync(string reason, CancellationToken cancellationToken)
        {
            queue.Settle(entry, token, _ =>
            {
                entry.LastReason = reason;
                entry.LockedUntil = DateTimeOffset.MinValue;
            });
            settled = true;
            return Task.CompletedTask;
        }

        public Task DeadLetterAsync(string reason, CancellationToken cancellationToken)
        {
            queue.Settle(entry, token, node =>
            {
                queue.entries.Remove(node);
                queue.deadLetters.Add(new DeadLetter<T>(entry.MessageId, Body, entry.DeliveryCount, reason));
            });
            settled = true;
            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            if (settled)
            {
                return;
            }

            try
            {
                await AbandonAsync("receiver disposed the lease unsettled", CancellationToken.None).ConfigureAwait(false);
            }
            catch (MessageLockLostException)
            {
                // Already expired: the queue redelivers it anyway.
            }
        }
    }
}
