using Azure.Messaging.ServiceBus;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>A locked Service Bus message as an <see cref="IMessageLease{T}"/>; MessageLockLost becomes <see cref="MessageLockLostException"/>.</summary>
internal sealed class ServiceBusLease(ServiceBusReceiver receiver, ServiceBusReceivedMessage message, SegmentTask body)
    : IMessageLease<SegmentTask>
{
    private bool settled;

    public string MessageId => message.MessageId;

    public SegmentTask Body => body;

    public int DeliveryCount => message.DeliveryCount;

    public DateTimeOffset LockedUntil { get; private set; } = message.LockedUntil;

    public Task RenewAsync(CancellationToken cancellationToken) => Guard(async () =>
    {
        await receiver.RenewMessageLockAsync(message, cancellationToken).ConfigureAwait(false);
        // The SDK updates the received message's LockedUntil in place.
        LockedUntil = message.LockedUntil;
    }, settles: false);

    public Task CompleteAsync(CancellationToken cancellationToken) =>
        Guard(() => receiver.CompleteMessageAsync(message, cancellationToken), settles: true);

    public Task AbandonAsync(string reason, CancellationToken cancellationToken) =>
        Guard(() => receiver.AbandonMessageAsync(message, new Dictionary<string, object> { ["lastFailure"] = reason },
            cancellationToken), settles: true);

    public Task DeadLetterAsync(string reason, CancellationToken cancellationToken) => Guard(async () =>
    {
        await receiver.DeadLetterMessageAsync(message, "segment failed", reason, cancellationToken).ConfigureAwait(false);
        SegmentTelemetry.DeadLetters.Add(1);
    }, settles: true);

    public async ValueTask DisposeAsync()
    {
        if (!settled)
        {
            try
            {
                await AbandonAsync("lease disposed unsettled", CancellationToken.None).ConfigureAwait(false);
            }
            catch (MessageLockLostException)
            {
                // The broker already took the message back.
            }
        }
    }

    private async Task Guard(Func<Task> operation, bool settles)
    {
        if (settled)
        {
            throw new MessageLockLostException(MessageId);
        }

        try
        {
            await operation().ConfigureAwait(false);
        }
        catch (ServiceBusException e) when (ServiceBusSegmentQueue.IsLockLost(e))
        {
            settled = true;
            throw new MessageLockLostException(MessageId);
        }

        settled |= settles;
    }
}
