using System.CommandLine;
using System.Text.Json;
using EchoMimic.Cli.Serve;
using EchoMimic.Core;
using EchoMimic.Core.Messages;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic campaign MANIFEST [--defaults defaults.json] [--webhook URL] [--concurrency N] [--id ID] [--api URL] [--wait]</c>:
/// POST /campaigns with a CSV or JSONL manifest, then optionally follow it row by row.
/// </summary>
public sealed class CampaignCommand : ICliCommand
{
    public Command Build()
    {
        var manifest = new Argument<string>("manifest") { Description = "campaign manifest (.csv or .jsonl)" };
        var defaults = new Option<string?>("--defaults") { Description = "JSON file: a partial job spec every row starts from" };
        var webhook = new Option<Uri?>("--webhook") { Description = "campaign webhook URL" };
        var concurrency = new Option<int?>("--concurrency") { Description = "rows rendering at once" };
        var id = new Option<string?>("--id") { Description = "campaign id (default: chosen by the server)" };
        var api = new Option<string>("--api") { Description = $"API base address (default {ServeApiClient.DefaultApi})", DefaultValueFactory = _ => ServeApiClient.DefaultApi };
        var wait = new Option<bool>("--wait") { Description = "follow the campaign until every row ends" };
        var command = new Command("campaign", "submit a campaign manifest to the serve API") { manifest, defaults, webhook, concurrency, id, api, wait };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(manifest)!;
            if (!File.Exists(path)) throw new InputException(path, "manifest file does not exist");
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

            var submission = new CampaignSubmission(await File.ReadAllTextAsync(path, ct), format, defaultsJson, parse.GetValue(webhook),
                parse.GetValue(concurrency), parse.GetValue(id));
            using var client = new ServeApiClient(new Uri(parse.GetValue(api)!));
            var submitted = await client.PostAsync("campaigns", JsonSerializer.Serialize(submission, MessageJson.Options), "application/json", ct);
            Console.WriteLine($"{submitted.Id} {(submitted.Created ? "submitted" : "already submitted")} ({submitted.StatusUrl})");
            if (!parse.GetValue(wait)) return 0;
            Console.WriteLine((await client.WatchAsync(submitted.StatusUrl.TrimStart('/'), ct)).ToString());
            return 0;
        });
        return command;
    }
}
