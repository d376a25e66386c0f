using System.Security.Cryptography;

namespace EchoMimic.Inference.Hub;

/// <summary>SHA-256 digests as lower-case hex, as the hub's <c>X-Linked-Etag</c> and openai's URLs write them.</summary>
public static class Sha256Hex
{
    public static bool IsSha256(string? text) => text is { Length: 64 } && text.All(Uri.IsHexDigit);

    /// <summary>An ETag header value (<c>W/"…"</c>, <c>"…"</c> or bare) as a SHA-256, or null when it is not 64 hex digits.</summary>
    public static string? FromEtag(string? etag)
    {
        if (etag is null) return null;
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        value = value.Trim('"');
        return IsSha256(value) ? value.ToLowerInvariant() : null;
    }

    public static async Task<string> OfFileAsync(string path, CancellationToken cancellation)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellation));
    }
}
