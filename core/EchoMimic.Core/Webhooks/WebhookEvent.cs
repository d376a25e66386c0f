namespace EchoMimic.Core.Webhooks;

/// <summary>
/// A serialised CloudEvent ready to sign and send. <paramref name="Id"/> is deterministic per event
/// (e.g. <c>job-42.succeeded</c>) and doubles as the Standard Webhooks <c>webhook-id</c>, so every retry and every
/// replay of the Notify activity carries the same id and receivers can de-duplicate.
/// </summary>
public sealed record WebhookEvent(string Id, string Type, DateTimeOffset Time, string Body);
