using System.CommandLine;
using EchoMimic.Cli.Serve;
using EchoMimic.Core;

namespace EchoMimic.Cli.Commands;

/// <summary><c>echomimic submit job.json [--api URL] [--wait]</c>: POST /jobs to serve (or the Functions app), then optionally follow it.</summary>
public sealed class SubmitCommand : ICliCommand
{
    public Command Build()
    {
        var file = new Argument<string>("job.json") { Description = "render job spec (inputs as uploads/... blob paths)" };
        var api = new Option<string>("--api") { Description = $"API base address (default {ServeApiClient.DefaultApi})", DefaultValueFactory = _ => ServeApiClient.DefaultApi };
        var wait = new Option<bool>("--wait") { Description = "follow the job with a progress bar until it ends" };
        var command = new Command("submit", "submit a render job to the serve API") { file, api, wait };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new InputException(path, "job file does not exist");
            using var client = new ServeApiClient(new Uri(parse.GetValue(api)!));
            var submitted = await client.PostAsync("jobs", await File.ReadAllTextAsync(path, ct), "application/json", ct);
            Console.WriteLine($"{submitted.Id} {(submitted.Created ? "submitted" : "already submitted")} ({submitted.StatusUrl})");
            if (!parse.GetValue(wait)) return 0;
            var final = await client.WatchAsync(submitted.StatusUrl.TrimStart('/'), ct);
            Console.WriteLine(final.ToString());
            return final.TryGetProperty("outcome", out var outcome) && outcome.ValueKind == System.Text.Json.JsonValueKind.Object
                && outcome.GetProperty("status").GetString() == "succeeded" ? 0 : 1;
        });
        return command;
    }
}
