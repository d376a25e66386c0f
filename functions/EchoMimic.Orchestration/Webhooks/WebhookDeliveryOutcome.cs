namespace EchoMimic.Orchestration.Webhooks;

/// <summary>How a delivery ended: delivered, refused for good, or given up after the retry window.</summary>
public sealed record WebhookDeliveryOutcome(bool Delivered, int Attempts, string? LastError);
