using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// <see cref="IMessageQueue{T}"/> on an Azure Storage queue (and Azurite). Peek-lock maps onto visibility:
/// receiving hides the message for the lock duration, renewing extends it (a new pop receipt), completing
/// deletes it, abandoning makes it visible now. The dequeue count is the delivery count; a message received
/// more than <see cref="MaxDeliveryCount"/> times is moved to "&lt;queue&gt;-poison", the same poison queue the
/// Functions queue trigger uses, with the reason. With <c>provision</c> false (Azure: bicep creates the queues and a
/// worker may only send) it creates nothing and a missing queue is a <see cref="MissingStorageResourceException"/>.
/// </summary>
public class AzureStorageMessageQueue<T> : IMessageQueue<T>
    where T : class
{
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(1);
    private readonly QueueClient queue;
    private readonly TimeProvider time;
    private readonly QueueClient poison;
    private readonly Lazy<Task> created;

    public AzureStorageMessageQueue(QueueServiceClient service, string queueName, int maxDeliveryCount = 5, bool provision = true,
        TimeProvider? timeProvider = null)
    {
        time = timeProvider ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(service);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDeliveryCount, 1);
        queue = service.GetQueueClient(queueName);
        poison = service.GetQueueClient(queueName + "-poison");
        MaxDeliveryCount = maxDeliveryCount;
        created = new Lazy<Task>(() => provision
            ? Task.WhenAll(queue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None),
                poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None))
            : Task.CompletedTask);
    }

    public int MaxDeliveryCount { get; }

    public string QueueName => queue.Name;

    public async Task SendAsync(IReadOnlyList<QueueMessage<T>> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        await created.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var message in messages)
        {
            var envelope = new QueueEnvelope<T>(message.MessageId, message.Body);
            await Named(queue, () => queue.SendMessageAsync(envelope.ToJson(), cancellationToken)).ConfigureAwait(false);
        }
    }

    public async Task<IMessageLease<T>?> ReceiveAsync(TimeSpan lockDuration, TimeSpan maxWait,
        CancellationToken cancellationToken)
    {
        await created.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var deadline = time.GetUtcNow() + maxWait;
        var backoff = new PollBackoff(FirstPollDelay, MaxPollDelay);
        while (true)
        {
            // Storage queues have no long polling: a waiting message is taken at once; an empty queue is polled again
            // after a growing wait until maxWait is spent.
            QueueMessage[] received = (await Named(queue, () => queue.ReceiveMessagesAsync(1, lockDuration, cancellationToken))
                .ConfigureAwait(false)).Value;
            if (received.Length == 1)
            {
                var message = received[0];
                var envelope = QueueEnvelope<T>.Parse(message.MessageText);
                if (message.DequeueCount > MaxDeliveryCount)
                {
                    var reason = envelope.LastReason is null
                        ? "max delivery count exceeded"
                        : $"max delivery count exceeded; last failure: {envelope.LastReason}";
                    await MoveToPoisonAsync(envelope, (int)message.DequeueCount - 1, reason, message.MessageId,
                        message.PopReceipt, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                return new Lease(this, message, envelope, lockDuration);
            }

            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            var wait = backoff.AfterEmptyPoll();
            await Task.Delay(wait < left ? wait : left, time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<DeadLetter<T>>> PeekDeadLettersAsync(int maxCount,
        CancellationToken cancellationToken)
    {
        await created.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        // Storage peeks at most 32 messages at a time, oldest first.
        PeekedMessage[] peeked;
        try
        {
            peeked = (await poison.PeekMessagesAsync(Math.Clamp(maxCount, 1, 32), cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (MissingStorageResourceException.IsMissing(e))
        {
            // Without provisioning the poison queue appears with its first dead letter (the Functions host creates it).
            return [];
        }

        return peeked
            .Select(m => QueueEnvelope<T>.Parse(m.MessageText))
            .Select(e => new DeadLetter<T>(e.MessageId, e.Body, e.DeliveryCount, e.LastReason ?? "dead-lettered"))
            .Take(maxCount)
            .ToList();
    }

    private async Task MoveToPoisonAsync(QueueEnvelope<T> envelope, int deliveryCount, string reason,
        string storageId, string popReceipt, CancellationToken cancellationToken)
    {
        var dead = envelope with { LastReason = reason, DeliveryCount = deliveryCount };
        await Named(poison, () => poison.SendMessageAsync(dead.ToJson(), cancellationToken)).ConfigureAwait(false);
        await queue.DeleteMessageAsync(storageId, popReceipt, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<TResult> Named<TResult>(QueueClient client, Func<Task<TResult>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (MissingStorageResourceException.IsMissing(e))
        {
            throw new MissingStorageResourceException("queue", client.Name, e);
        }
    }

    private static bool IsLockLost(RequestFailedException e) =>
        e.Status == 404 || e.ErrorCode is "PopReceiptMismatch" or "MessageNotFound";

    private sealed class Lease(AzureStorageMessageQueue<T> owner, QueueMessage message, QueueEnvelope<T> envelope,
        TimeSpan lockDuration) : IMessageLease<T>
    {
        private readonly string storageId = message.MessageId;
        private string popReceipt = message.PopReceipt;
        private bool settled;

        public string MessageId => envelope.MessageId;

        public T Body => envelope.Body;

        public int DeliveryCount { get; } = (int)message.DequeueCount;

        public DateTimeOffset LockedUntil { get; private set; } = message.NextVisibleOn ?? DateTimeOffset.UtcNow;

        public Task RenewAsync(CancellationToken cancellationToken) =>
            UpdateAsync(lockDuration, null, cancellationToken);

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            await SettleAsync(() => owner.queue.DeleteMessageAsync(storageId, popReceipt, cancellationToken))
                .ConfigureAwait(false);
        }

        public async Task AbandonAsync(string reason, CancellationToken cancellationToken)
        {
            await UpdateAsync(TimeSpan.Zero, envelope with { LastReason = reason }, cancellationToken)
                .ConfigureAwait(false);
            settled = true;
        }

        public async Task DeadLetterAsync(string reason, CancellationToken cancellationToken)
        {
            ThrowIfSettled();
            try
            {
                await owner.MoveToPoisonAsync(envelope, DeliveryCount, reason, storageId, popReceipt,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (IsLockLost(e))
            {
                throw new MessageLockLostException(MessageId);
            }

            settled = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (settled)
            {
                return;
            }

            try
            {
                await AbandonAsync("lease disposed unsettled", CancellationToken.None).ConfigureAwait(false);
            }
            catch (MessageLockLostException)
            {
                // Already visible again (or taken by another receiver): nothing to give back.
            }
        }

        private async Task UpdateAsync(TimeSpan visibility, QueueEnvelope<T>? newContent,
            CancellationToken cancellationToken)
        {
            ThrowIfSettled();
            try
            {
                var receipt = (await owner.queue.UpdateMessageAsync(storageId, popReceipt, newContent?.ToJson(),
                    visibility, cancellationToken).ConfigureAwait(false)).Value;
                popReceipt = receipt.PopReceipt;
                LockedUntil = receipt.NextVisibleOn;
            }
            catch (RequestFailedException e) when (IsLockLost(e))
            {
                throw new MessageLockLostException(MessageId);
            }
        }

        private async Task SettleAsync(Func<Task> operation)
        {
            ThrowIfSettled();
            try
            {
                await operation().ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (IsLockLost(e))
            {
                throw new MessageLockLostException(MessageId);
            }

            settled = true;
        }

        private void ThrowIfSettled()
        {
            if (settled)
            {
                throw new MessageLockLostException(MessageId);
            }
        }
    }
}
