using System.Text.Json;
using EchoMimic.Core;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// What an Azure Storage queue message carries: the port's message id (Storage assigns its own opaque ids), the
/// body, and the last abandon reason, so a message that runs out of deliveries is dead-lettered with it.
/// Plain UTF-8 JSON (host.json sets the queue trigger's messageEncoding to "none").
/// </summary>
public sealed record QueueEnvelope<T>(string MessageId, T Body, string? LastReason = null, int DeliveryCount = 0)
    where T : class
{
    public string ToJson() => JsonSerializer.Serialize(this, MessageJson.Options);

    public static QueueEnvelope<T> Parse(string text) =>
        JsonSerializer.Deserialize<QueueEnvelope<T>>(text, MessageJson.Options)
        ?? throw new JsonException("empty queue message");
}
