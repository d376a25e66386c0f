namespace EchoMimic.Orchestration.Webhooks;

/// <summary>The input of one <see cref="SendWebhookActivity"/> call.</summary>
public sealed record WebhookAttempt(WebhookDeliveryInput Delivery, int Attempt);
