namespace EchoMimic.Core.Ports;

/// <summary>
/// A delivery attempt's outcome: an HTTP status, or a transport error (refused target, timeout, DNS failure).
/// <paramref name="Permanent"/> marks failures retrying cannot fix (a refused private target, an invalid URL).
/// </summary>
public sealed record WebhookResponse(int? StatusCode, string? Error, bool Permanent = false)
{
    public bool Delivered => StatusCode is >= 200 and < 300;
}
