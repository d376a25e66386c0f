using System.Security.Cryptography;
using StandardWebhooks;

namespace EchoMimic.Core.Webhooks;

/// <summary>
/// Signs webhook bodies per Standard Webhooks (the StandardWebhooks package): HMAC-SHA256 over
/// "id.timestamp.body" with a <c>whsec_</c> secret, sent as <c>webhook-id</c>, <c>webhook-timestamp</c> and
/// <c>webhook-signature</c> headers.
/// </summary>
public sealed class WebhookSigner
{
    public const string SecretPrefix = "whsec_";
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    private readonly StandardWebhook webhook;

    public WebhookSigner(string secret)
    {
        if (string.IsNullOrEmpty(secret) || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            throw new InputException("webhook secret", $"must start with '{SecretPrefix}'");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
        }
        catch (FormatException)
        {
            throw new InputException("webhook secret", $"must be '{SecretPrefix}' followed by base64");
        }

        // Standard Webhooks: secrets are 24 to 64 random bytes.
        if (key.Length is < 24 or > 64)
        {
            throw new InputException("webhook secret", $"must hold 24 to 64 bytes, got {key.Length}");
        }

        webhook = new StandardWebhook(secret);
    }

    /// <summary>A fresh secret from a cryptographic generator (secrets are the one thing that must not be seeded).</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public IReadOnlyDictionary<string, string> Sign(string webhookId, DateTimeOffset timestamp, string body) =>
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [IdHeader] = webhookId,
            [TimestampHeader] = timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            [SignatureHeader] = webhook.Sign(webhookId, timestamp, body),
            ["content-type"] = "application/cloudevents+json; charset=utf-8",
        };
}
