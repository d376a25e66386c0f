using System.Text;
using EchoMimic.Core;

namespace EchoMimic.Orchestration.Api;

/// <summary>
/// Reads an HTTP request body as UTF-8 text, refusing (400) a body above its route's limit before holding it: a job
/// spec is a few kilobytes (every string field is capped at 2,048 characters, metadata at 32 entries), a manifest of
/// <see cref="Core.Campaigns.CampaignManifestReader.MaxRows"/> rows well under a megabyte per thousand rows.
/// </summary>
public static class RequestBody
{
    public const int MaxJobBytes = 1 << 20;
    public const int MaxCampaignBytes = 16 << 20;

    public static async Task<string> ReadAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new InputException("request body", $"is larger than {maxBytes / (1 << 20)} MiB, the limit of this route");
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true)
                .GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new InputException("request body", "is not UTF-8 text");
        }
    }
}
