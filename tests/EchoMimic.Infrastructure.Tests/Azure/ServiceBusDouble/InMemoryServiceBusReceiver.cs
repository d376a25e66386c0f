using Azure.Messaging.ServiceBus;

namespace EchoMimic.Infrastructure.Tests.Azure.ServiceBusDouble;

/// <summary>
/// TEST DOUBLE of a peek-lock <see cref="ServiceBusReceiver"/> over <see cref="InMemoryServiceBusEntity"/> (its queue,
/// or its dead-letter sub-queue, which supports peeking only). Every settlement goes to the broker by lock token,
/// so a stale lock fails with <see cref="ServiceBusFailureReason.MessageLockLost"/> exactly as on the wire.
/// </summary>
public sealed class InMemoryServiceBusReceiver(InMemoryServiceBusEntity entity, ServiceBusReceiverOptions? options = null)
    : ServiceBusReceiver
{
    private readonly bool deadLetterQueue = options?.SubQueue == SubQueue.DeadLetter;
    private bool closed;

    public override string EntityPath => deadLetterQueue ? $"{entity.Name}/$deadletterqueue" : entity.Name;

    public override ServiceBusReceiveMode ReceiveMode => ServiceBusReceiveMode.PeekLock;

    public override int PrefetchCount => options?.PrefetchCount ?? 0;

    public override bool IsClosed => closed;

    public override Task<ServiceBusReceivedMessage> ReceiveMessageAsync(TimeSpan? maxWaitTime = null,
        CancellationToken cancellationToken = default)
    {
        EnsureQueue();
        if (options?.ReceiveMode == ServiceBusReceiveMode.ReceiveAndDelete)
        {
            throw new NotSupportedException("the double models peek-lock only");
        }

        // The SDK's default wait is the retry policy's TryTimeout (60 s).
        return entity.ReceiveAsync(maxWaitTime ?? TimeSpan.FromSeconds(60), cancellationToken)!;
    }

    public override async Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveMessagesAsync(int maxMessages,
        TimeSpan? maxWaitTime = null, CancellationToken cancellationToken = default)
    {
        var messages = new List<ServiceBusReceivedMessage>();
        if (await ReceiveMessageAsync(maxWaitTime, cancellationToken).ConfigureAwait(false) is { } first)
        {
            messages.Add(first);
            while (messages.Count < maxMessages
                && await entity.ReceiveAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false) is { } next)
            {
                messages.Add(next);
            }
        }

        return messages;
    }

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> PeekMessagesAsync(int maxMessages,
        long? fromSequenceNumber = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(closed, this);
        return Task.FromResult(entity.Peek(deadLetterQueue, maxMessages, fromSequenceNumber));
    }

    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default) =>
        Run(() => entity.Complete(message));

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message,
        IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default) =>
        Run(() => entity.Abandon(message, propertiesToModify));

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message,
        IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default) =>
        Run(() => entity.DeadLetter(message, propertiesToModify, null, null));

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, string deadLetterReason,
        string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default) =>
        Run(() => entity.DeadLetter(message, null, deadLetterReason, deadLetterErrorDescription));

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object> propertiesToModify,
        string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default) =>
        Run(() => entity.DeadLetter(message, propertiesToModify, deadLetterReason, deadLetterErrorDescription));

    public override Task RenewMessageLockAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default) =>
        Run(() => entity.Renew(message));

    public override Task CloseAsync(CancellationToken cancellationToken = default)
    {
        closed = true;
        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        closed = true;
        return ValueTask.CompletedTask;
    }

    private Task Run(Action operation)
    {
        EnsureQueue();
        operation();
        return Task.CompletedTask;
    }

    private void EnsureQueue()
    {
        ObjectDisposedException.ThrowIf(closed, this);
        if (deadLetterQueue)
        {
            throw new NotSupportedException("the double's dead-letter receiver can only peek");
        }
    }
}
