using System.Diagnostics;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using EchoMimic.Core;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// The segment queue on Azure Service Bus. Sending: batches (as many tasks per AMQP transfer as fit), MessageId =
/// job:segment:attempt so the queue's duplicate detection drops a re-sent attempt, the schema version and the W3C
/// trace context as application properties. Receiving: peek-lock with prefetch 0 (an idle replica must not hoard
/// tasks other replicas could render). The lock duration is the queue's (bicep: 5 minutes, the broker maximum);
/// the <c>lockDuration</c> argument of <see cref="ReceiveAsync"/> cannot change it, and <see cref="IMessageLease{T}.RenewAsync"/>
/// extends it by that much. Workers that want the SDK to renew for them use <see cref="ServiceBusSegmentProcessor"/>.
/// </summary>
public sealed class ServiceBusSegmentQueue : ISegmentQueue, IAsyncDisposable
{
    private readonly ServiceBusSender sender;
    private readonly ServiceBusReceiver receiver;
    private readonly ServiceBusReceiver deadLetters;

    public ServiceBusSegmentQueue(ServiceBusClient client, string queueName, int maxDeliveryCount)
        : this(client?.CreateSender(queueName) ?? throw new ArgumentNullException(nameof(client)),
            client.CreateReceiver(queueName, new ServiceBusReceiverOptions { PrefetchCount = 0, ReceiveMode = ServiceBusReceiveMode.PeekLock }),
            client.CreateReceiver(queueName, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter }),
            maxDeliveryCount)
    {
    }

    /// <summary>For tests: substituted SDK clients.</summary>
    public ServiceBusSegmentQueue(ServiceBusSender sender, ServiceBusReceiver receiver, ServiceBusReceiver deadLetters,
        int maxDeliveryCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDeliveryCount, 1);
        this.sender = sender ?? throw new ArgumentNullException(nameof(sender));
        this.receiver = receiver ?? throw new ArgumentNullException(nameof(receiver));
        this.deadLetters = deadLetters ?? throw new ArgumentNullException(nameof(deadLetters));
        MaxDeliveryCount = maxDeliveryCount;
    }

    /// <summary>The queue's maxDeliveryCount (bicep parameter); the broker enforces it, this reports it.</summary>
    public int MaxDeliveryCount { get; }

    public async Task SendAsync(IReadOnlyList<QueueMessage<SegmentTask>> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var batch = await sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var message in messages)
            {
                using var span = SegmentTelemetry.Source.StartActivity("segment dispatch", ActivityKind.Producer);
                span?.SetTag("echomimic.job_id", message.Body.JobId);
                span?.SetTag("echomimic.segment", message.Body.Segment.Index);
                span?.SetTag("echomimic.attempt", message.Body.Attempt);
                var sbMessage = ToServiceBusMessage(message, span ?? Activity.Current);
                if (batch.TryAddMessage(sbMessage))
                {
                    continue;
                }

                if (batch.Count == 0)
                {
                    throw new InvalidOperationException($"segment task {message.MessageId} is larger than a Service Bus message may be");
                }

                await sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Dispose();
                batch = await sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
                if (!batch.TryAddMessage(sbMessage))
                {
                    throw new InvalidOperationException($"segment task {message.MessageId} is larger than a Service Bus message may be");
                }
            }

            if (batch.Count > 0)
            {
                await sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            batch.Dispose();
        }
    }

    public async Task<IMessageLease<SegmentTask>?> ReceiveAsync(TimeSpan lockDuration, TimeSpan maxWait,
        CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + maxWait;
        while (true)
        {
            var left = deadline - DateTimeOffset.UtcNow;
            var message = await receiver.ReceiveMessageAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1),
                cancellationToken).ConfigureAwait(false);
            if (message is null)
            {
                return null;
            }

            if (TryReadBody(message, out var task, out var problem))
            {
                return new ServiceBusLease(receiver, message, task);
            }

            // A body no worker can read would fail on every delivery: dead-letter it at once, with the reason.
            await receiver.DeadLetterMessageAsync(message, "unreadable segment task", problem, cancellationToken)
                .ConfigureAwait(false);
            SegmentTelemetry.DeadLetters.Add(1);
        }
    }

    public async Task<IReadOnlyList<DeadLetter<SegmentTask>>> PeekDeadLettersAsync(int maxCount,
        CancellationToken cancellationToken)
    {
        var peeked = await deadLetters.PeekMessagesAsync(maxCount, cancellationToken: cancellationToken).ConfigureAwait(false);
        var result = new List<DeadLetter<SegmentTask>>();
        foreach (var message in peeked)
        {
            if (TryReadBody(message, out var task, out _))
            {
                var reason = string.IsNullOrEmpty(message.DeadLetterErrorDescription)
                    ? message.DeadLetterReason ?? "dead-lettered"
                    : $"{message.DeadLetterReason}: {message.DeadLetterErrorDescription}";
                result.Add(new DeadLetter<SegmentTask>(message.MessageId, task, message.DeliveryCount, reason));
            }
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await sender.DisposeAsync().ConfigureAwait(false);
        await receiver.DisposeAsync().ConfigureAwait(false);
        await deadLetters.DisposeAsync().ConfigureAwait(false);
    }

    public static ServiceBusMessage ToServiceBusMessage(QueueMessage<SegmentTask> message, Activity? span)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sbMessage = new ServiceBusMessage(BinaryData.FromObjectAsJson(message.Body, MessageJson.Options))
        {
            MessageId = message.MessageId,
            ContentType = "application/json",
            Subject = "segment-task",
            CorrelationId = message.Body.JobId,
        };
        sbMessage.ApplicationProperties[SegmentTelemetry.SchemaVersionProperty] = message.Body.SchemaVersion;
        SegmentTelemetry.Inject(span, sbMessage.ApplicationProperties);
        return sbMessage;
    }

    public static bool TryReadBody(ServiceBusReceivedMessage message, out SegmentTask task, out string problem)
    {
        ArgumentNullException.ThrowIfNull(message);
        task = null!;
        if (message.ApplicationProperties.TryGetValue(SegmentTelemetry.SchemaVersionProperty, out var version)
            && version is int v && v > SegmentTask.CurrentSchemaVersion)
        {
            problem = $"schema version {v} is newer than this worker's {SegmentTask.CurrentSchemaVersion}";
            return false;
        }

        try
        {
            task = message.Body.ToObjectFromJson<SegmentTask>(MessageJson.Options)!;
            problem = task is null ? "empty body" : "";
            return task is not null;
        }
        catch (JsonException e)
        {
            problem = $"body is not a segment task: {e.Message}";
            return false;
        }
    }

    internal static bool IsLockLost(ServiceBusException e) =>
        e.Reason is ServiceBusFailureReason.MessageLockLost or ServiceBusFailureReason.SessionLockLost;
}
