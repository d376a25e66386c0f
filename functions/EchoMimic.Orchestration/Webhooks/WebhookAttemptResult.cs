namespace EchoMimic.Orchestration.Webhooks;

/// <summary>The result of one attempt; <paramref name="Permanent"/> stops the retries.</summary>
public sealed record WebhookAttemptResult(bool Delivered, bool Permanent, int? StatusCode, string? Error);
