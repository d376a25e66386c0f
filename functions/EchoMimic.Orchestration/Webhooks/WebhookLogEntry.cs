namespace EchoMimic.Orchestration.Webhooks;

/// <summary>One line of a job's webhook delivery log (one blob per attempt).</summary>
public sealed record WebhookLogEntry(string EventId, string EventType, string Target, int Attempt,
    DateTimeOffset SentAt, int? StatusCode, string? Error, bool Delivered);
