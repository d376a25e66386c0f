namespace EchoMimic.Orchestration.Webhooks;

/// <summary>The input of one <see cref="SendWebhookActivity"/> call.</summary>
public sealed record WebhookAttempt(WebhookDeliveryInput Delivery, int Attempt);

/// <summary>The result of one attempt; <paramref name="Permanent"/> stops the retries.</summary>
public sealed record WebhookAttemptResult(bool Delivered, bool Permanent, int? StatusCode, string? Error);
