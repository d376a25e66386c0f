using System.Text.Json;
using EchoMimic.Core;

namespace EchoMimic.Orchestration.Api;

/// <summary>
/// POST /campaigns: the manifest text and how to read it. The body is CSV (<c>text/csv</c>), JSONL
/// (<c>application/x-ndjson</c>) or this record as JSON (manifest, format, shared defaults, campaign webhook).
/// </summary>
public sealed record CampaignSubmission(string Manifest, string Format, JsonElement? Defaults,
    Uri? WebhookUrl, int? MaxConcurrentRows, string? CampaignId)
{
    /// <summary>
    /// The name intake gives the manifest (manifest.csv or manifest.jsonl); errors name it, e.g.
    /// <c>manifest.csv:row 2 (line 3):settings.width</c>.
    /// </summary>
    public string ManifestFileName => Format.ToLowerInvariant() switch
    {
        "csv" => "manifest.csv",
        "jsonl" or "ndjson" => "manifest.jsonl",
        _ => throw new InputException("format", "must be csv or jsonl"),
    };

    public static CampaignSubmission Read(string body, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(body);
        var mediaType = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        switch (mediaType)
        {
            case "text/csv":
                return new CampaignSubmission(body, "csv", null, null, null, null);
            case "application/x-ndjson" or "application/jsonl":
                return new CampaignSubmission(body, "jsonl", null, null, null, null);
            case "application/json" or "":
                try
                {
                    var submission = JsonSerializer.Deserialize<CampaignSubmission>(body, MessageJson.Options);
                    return submission is { Manifest: not null, Format: not null }
                        ? submission
                        : throw new InputException("request body", "needs \"manifest\" (text) and \"format\" (csv or jsonl)");
                }
                catch (JsonException e)
                {
                    throw new InputException("request body", $"not valid JSON: {e.Message}");
                }

            default:
                throw new InputException("Content-Type", "use text/csv, application/x-ndjson or application/json");
        }
    }
}
