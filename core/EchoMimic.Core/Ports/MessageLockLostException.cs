namespace EchoMimic.Core.Ports;

/// <summary>The lease on a message expired or was settled before the operation (Service Bus: MessageLockLost).</summary>
public sealed class MessageLockLostException(string messageId)
    : Exception($"lock on message {messageId} was lost")
{
    public string MessageId { get; } = messageId;
}
