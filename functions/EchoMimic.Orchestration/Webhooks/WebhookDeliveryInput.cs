using EchoMimic.Core.Webhooks;

namespace EchoMimic.Orchestration.Webhooks;

/// <summary>One event to deliver to one URL; attempts are logged under work/{OwnerId}/webhooks/.</summary>
public sealed record WebhookDeliveryInput(string OwnerId, Uri Target, WebhookEvent Event, WebhookRetryPolicy Policy);
