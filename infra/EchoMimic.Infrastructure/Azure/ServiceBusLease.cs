using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// A locked Service Bus message as an <see cref="IMessageLease{T}"/>; MessageLockLost becomes
/// <see cref="MessageLockLostException"/>. The lease is the worker's unit of work, so it carries the consumer span
/// "segment render" (parented to the dispatcher's span through the message's traceparent) from receive to
/// settlement, and on completion records the render cost (receive → complete per second of video).
/// </summary>
internal sealed class ServiceBusLease : IMessageLease<SegmentTask>
{
    private readonly ServiceBusReceiver receiver;
    private readonly ServiceBusReceivedMessage message;
    private readonly Activity? span;
    private readonly long received = Stopwatch.GetTimestamp();
    private bool settled;

    public ServiceBusLease(ServiceBusReceiver receiver, ServiceBusReceivedMessage message, SegmentTask body)
    {
        this.receiver = receiver;
        this.message = message;
        Body = body;
        LockedUntil = message.LockedUntil;
        span = SegmentTelemetry.StartSegmentRender(message, body, keepCurrent: true);
    }

    public string MessageId => message.MessageId;

    public SegmentTask Body { get; }

    public int DeliveryCount => message.DeliveryCount;

    public DateTimeOffset LockedUntil { get; private set; }

    public Task RenewAsync(CancellationToken cancellationToken) => Guard(async () =>
    {
        await receiver.RenewMessageLockAsync(message, cancellationToken).ConfigureAwait(false);
        // The SDK updates the received message's LockedUntil in place.
        LockedUntil = message.LockedUntil;
    }, settles: false);

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await Guard(() => receiver.CompleteMessageAsync(message, cancellationToken), settles: true).ConfigureAwait(false);
        SegmentTelemetry.RecordRenderCost(Body, Stopwatch.GetElapsedTime(received));
        End(ActivityStatusCode.Ok, null);
    }

    public async Task AbandonAsync(string reason, CancellationToken cancellationToken)
    {
        await Guard(() => receiver.AbandonMessageAsync(message, new Dictionary<string, object> { ["lastFailure"] = reason },
            cancellationToken), settles: true).ConfigureAwait(false);
        End(ActivityStatusCode.Error, $"abandoned: {reason}");
    }

    public async Task DeadLetterAsync(string reason, CancellationToken cancellationToken)
    {
        await Guard(() => receiver.DeadLetterMessageAsync(message, "segment failed", reason, cancellationToken), settles: true)
            .ConfigureAwait(false);
        SegmentTelemetry.DeadLetters.Add(1);
        End(ActivityStatusCode.Error, $"dead-lettered: {reason}");
    }

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

        End(ActivityStatusCode.Unset, null);
    }

    private void End(ActivityStatusCode status, string? description)
    {
        if (span is null || span.IsStopped)
        {
            return;
        }

        if (status != ActivityStatusCode.Unset)
        {
            span.SetStatus(status, description);
        }

        span.Stop();
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
            End(ActivityStatusCode.Error, "message lock lost");
            throw new MessageLockLostException(MessageId);
        }

        settled |= settles;
    }
}
