using System.CommandLine;
using System.Text.Json;
using EchoMimic.Cli.Serve;
using EchoMimic.Core;
using EchoMimic.Orchestration.Api;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic campaign MANIFEST [--defaults defaults.json] [--webhook URL] [--concurrency N] [--id ID] [--api URL] [--wait]</c>:
/// POST /campaigns with a CSV or JSONL manifest, then optionally follow it row by row. Exit codes: 0 submitted (with
/// --wait: every row succeeded), 1 some row failed (each listed with its error), 2 a bad manifest or defaults file
/// (nothing started) or an unreachable server.
/// </summary>
public sealed class CampaignCommand : ICliCommand
{
    public Command Build()
    {
        var manifest = new Argument<string>("manifest") { Description = "campaign manifest (.csv or .jsonl)" };
        var defaults = new Option<string?>("--defaults") { Description = "JSON file: a partial job spec every row starts from" };
        // A string, not Uri: System.CommandLine 2.0.0 has no Uri parser ("Cannot parse argument ... as System.Uri").
        var webhook = new Option<string?>("--webhook") { Description = "campaign webhook URL" };
        var concurrency = new Option<int?>("--concurrency") { Description = "rows rendering at once" };
        var id = new Option<string?>("--id") { Description = "campaign id (default: chosen by the server)" };
        var api = new Option<string>("--api") { Description = $"API base address (default {ServeApiClient.DefaultApi})", DefaultValueFactory = _ => ServeApiClient.DefaultApi };
        var wait = new Option<bool>("--wait") { Description = "follow the campaign until every row ends" };
        var command = new Command("campaign", "submit a campaign manifest to the serve API") { manifest, defaults, webhook, concurrency, id, api, wait };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(manifest)!;
            if (!File.Exists(path)) throw new InputException(path, "manifest file does not exist");
            if (new FileInfo(path).Length > RequestBody.MaxCampaignBytes)
                throw new InputException(path, $"is larger than {RequestBody.MaxCampaignBytes >> 20} MiB, the API's limit for a campaign");
            var format = Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".csv" => "csv",
                ".jsonl" or ".ndjson" => "jsonl",
                _ => throw new InputException(path, "use a .csv or .jsonl manifest"),
            };
            JsonElement? defaultsJson = null;
            if (parse.GetValue(defaults) is { } defaultsFile)
            {
                if (!File.Exists(defaultsFile)) throw new InputException(defaultsFile, "defaults file does not exist");
                try
                {
                    defaultsJson = JsonDocument.Parse(await File.ReadAllTextAsync(defaultsFile, ct)).RootElement;
                }
                catch (JsonException e)
                {
                    throw new InputException(defaultsFile, $"not valid JSON: {e.Message}");
                }
            }

            Uri? webhookUrl = null;
            if (parse.GetValue(webhook) is { } webhookText && !Uri.TryCreate(webhookText, UriKind.Absolute, out webhookUrl))
            {
                throw new InputException("--webhook", $"'{webhookText}' is not an absolute URL");
            }

            var submission = new CampaignSubmission(await File.ReadAllTextAsync(path, ct), format, defaultsJson, webhookUrl,
                parse.GetValue(concurrency), parse.GetValue(id));
            using var client = new ServeApiClient(ServeApiClient.ParseApi(parse.GetValue(api)!));
            try
            {
                SubmitResponse submitted;
                try
                {
                    submitted = await client.PostAsync("campaigns", JsonSerializer.Serialize(submission, MessageJson.Options), "application/json", ct);
                }
                catch (InputException e) when (e.Input.StartsWith(ServerManifestName, StringComparison.Ordinal))
                {
                    // The server names the manifest it was sent manifest.csv/.jsonl; the user knows it as this file.
                    var colon = e.Input.IndexOf(':', StringComparison.Ordinal);
                    throw new InputException(path + (colon >= 0 ? e.Input[colon..] : ""), e.Problem);
                }

                Console.WriteLine($"{submitted.Id} {(submitted.Created ? "submitted" : "already submitted")} ({submitted.StatusUrl})");
                if (!parse.GetValue(wait)) return 0;
                var final = await client.WatchAsync(submitted.StatusUrl.TrimStart('/'), ct);
                Console.WriteLine(final.ToString());
                return ReportRows(final);
            }
            catch (ServeApiException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private const string ServerManifestName = "manifest.";

    /// <summary>A summary line, then one line per failed row on stderr; 1 when any row failed.</summary>
    private static int ReportRows(JsonElement status)
    {
        if (!status.TryGetProperty("outcome", out var outcome) || outcome.ValueKind != JsonValueKind.Object)
        {
            Console.Error.WriteLine($"error: campaign ended {status.GetProperty("runtimeStatus").GetString()} without an outcome");
            return 1;
        }

        var rows = outcome.GetProperty("rows").EnumerateArray().ToList();
        var failed = rows.Where(row => row.GetProperty("status").GetString() != "succeeded").ToList();
        Console.WriteLine($"{rows.Count - failed.Count} succeeded, {failed.Count} failed of {rows.Count} rows");
        foreach (var row in failed)
        {
            var error = row.TryGetProperty("error", out var e) ? e.GetString() : null;
            Console.Error.WriteLine($"row {row.GetProperty("rowId").GetString()} ({row.GetProperty("jobId").GetString()}) " +
                $"{row.GetProperty("status").GetString()}: {error ?? "no reason given"}");
        }

        return failed.Count == 0 ? 0 : 1;
    }
}
