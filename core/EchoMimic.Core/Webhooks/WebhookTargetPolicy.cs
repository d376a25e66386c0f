using System.Net;
using System.Net.Sockets;

namespace EchoMimic.Core.Webhooks;

/// <summary>
/// Which addresses a webhook may be delivered to (SSRF guard). By default only public unicast addresses: loopback,
/// private (RFC 1918, IPv6 ULA), link-local (where cloud metadata endpoints live, 169.254.169.254), carrier-grade
/// NAT, unspecified, multicast and reserved ranges are refused. Local development and tests opt in with
/// <see cref="AllowPrivateTargets"/>. The transport checks the address it actually connects to, after DNS, so a
/// public name resolving to a private address is refused as well.
/// </summary>
public sealed record WebhookTargetPolicy(bool AllowPrivateTargets = false)
{
    public static WebhookTargetPolicy PublicOnly { get; } = new();

    public static WebhookTargetPolicy AllowPrivate { get; } = new(AllowPrivateTargets: true);

    /// <summary>Null when the URL may be tried, else why not (checked before resolving).</summary>
    public string? RefusalFor(Uri target)
    {
        if (!target.IsAbsoluteUri || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            return $"'{target}' is not an absolute http(s) URL";
        }

        if (!string.IsNullOrEmpty(target.UserInfo))
        {
            return "webhook URLs must not carry credentials";
        }

        if (AllowPrivateTargets)
        {
            return null;
        }

        if (target.IsLoopback || target.DnsSafeHost.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || target.DnsSafeHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return $"'{target.Host}' is a loopback target";
        }

        return IPAddress.TryParse(target.DnsSafeHost, out var address) ? RefusalFor(address) : null;
    }

    /// <summary>Null when a connection to <paramref name="address"/> is allowed, else why not.</summary>
    public string? RefusalFor(IPAddress address)
    {
        if (AllowPrivateTargets)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return IsPublicUnicast(address) ? null : $"{address} is a private, loopback or reserved address";
    }

    private static bool IsPublicUnicast(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 // "this network"
                || b[0] == 10
                || b[0] == 127
                || (b[0] == 100 && (b[1] & 0xC0) == 64) // 100.64.0.0/10 carrier-grade NAT
                || (b[0] == 169 && b[1] == 254) // link-local, cloud metadata
                || (b[0] == 172 && (b[1] & 0xF0) == 16)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0) // IETF protocol assignments
                || (b[0] == 198 && (b[1] & 0xFE) == 18) // benchmarking 198.18.0.0/15
                || b[0] >= 224); // multicast and reserved
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(IPAddress.IPv6Loopback.Equals(address)
                || IPAddress.IPv6None.Equals(address)
                || address.IsIPv6LinkLocal
                || address.IsIPv6SiteLocal
                || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC // fc00::/7 unique local
                || address.IsIPv4MappedToIPv6 // handled above; anything left is odd
                || address.IsIPv6Teredo);
        }

        return false;
    }
}
