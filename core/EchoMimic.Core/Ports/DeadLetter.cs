namespace EchoMimic.Core.Ports;

/// <summary>A dead-lettered message with the reason given by its last receiver (or "max delivery count exceeded").</summary>
public sealed record DeadLetter<T>(string MessageId, T Body, int DeliveryCount, string Reason)
    where T : class;
