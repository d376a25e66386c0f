using Azure.Messaging.ServiceBus;

namespace EchoMimic.Infrastructure.Tests.Azure.ServiceBusDouble;

/// <summary>A message as <see cref="InMemoryServiceBusEntity"/> holds it, with its lock state.</summary>
internal sealed class StoredMessage(string messageId, BinaryData body, long sequenceNumber, DateTimeOffset enqueuedTime)
{
    /// <summary>Where <see cref="ServiceBusReceivedMessage.LockedUntil"/> reads from (the AMQP message annotations).</summary>
    public const string LockedUntilAnnotation = "x-opt-locked-until";

    public string MessageId { get; } = messageId;

    public long SequenceNumber { get; } = sequenceNumber;

    public string? ContentType { get; init; }

    public string? Subject { get; init; }

    public string? CorrelationId { get; init; }

    public required Dictionary<string, object> Properties { get; init; }

    public int DeliveryCount { get; set; }

    public Guid? LockToken { get; set; }

    public DateTimeOffset LockedUntil { get; set; }

    public string? DeadLetterSource { get; set; }

    /// <summary>A fresh received message per delivery or peek, as the SDK creates one per transfer.</summary>
    public ServiceBusReceivedMessage ToReceived() => ServiceBusModelFactory.ServiceBusReceivedMessage(
        body: body, messageId: MessageId, correlationId: CorrelationId, subject: Subject, contentType: ContentType,
        properties: new Dictionary<string, object>(Properties), lockTokenGuid: LockToken ?? default,
        deliveryCount: DeliveryCount, lockedUntil: LockToken is null ? default : LockedUntil, sequenceNumber: SequenceNumber,
        deadLetterSource: DeadLetterSource, enqueuedTime: enqueuedTime);
}
