namespace EchoMimic.Core.Ports;

/// <summary>
/// Sends one webhook request. The adapter enforces the SSRF policy at connect time (after DNS resolution), so a
/// name that resolves to a private address is refused too.
/// </summary>
public interface IWebhookTransport
{
    Task<WebhookResponse> PostAsync(Uri target, IReadOnlyDictionary<string, string> headers, string body,
        CancellationToken cancellationToken);
}
