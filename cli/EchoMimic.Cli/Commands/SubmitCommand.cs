using System.CommandLine;
using System.Text.Json;
using EchoMimic.Cli.Serve;
using EchoMimic.Core;
using EchoMimic.Orchestration.Api;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic submit job.json [--api URL] [--wait]</c>: POST /jobs to serve (or the Functions app), then optionally
/// follow it. Exit codes: 0 submitted (with --wait: succeeded), 1 the job failed or was canceled, 2 a bad job file
/// (the server's message, naming the file) or an unreachable server.
/// </summary>
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
            if (new FileInfo(path).Length > Orchestration.Api.RequestBody.MaxJobBytes)
                throw new InputException(path, $"is larger than {Orchestration.Api.RequestBody.MaxJobBytes >> 20} MiB, more than any job spec (the API refuses it)");
            using var client = new ServeApiClient(ServeApiClient.ParseApi(parse.GetValue(api)!));
            try
            {
                SubmitResponse submitted;
                try
                {
                    submitted = await client.PostAsync("jobs", await File.ReadAllTextAsync(path, ct), "application/json", ct);
                }
                catch (InputException e) when (e.Input.StartsWith(RequestBody, StringComparison.Ordinal))
                {
                    // The server names its request body; the user knows it as this file.
                    throw new InputException(path + e.Input[RequestBody.Length..], e.Problem);
                }

                Console.WriteLine($"{submitted.Id} {(submitted.Created ? "submitted" : "already submitted")} ({submitted.StatusUrl})");
                if (!parse.GetValue(wait)) return 0;
                var final = await client.WatchAsync(submitted.StatusUrl.TrimStart('/'), ct);
                Console.WriteLine(final.ToString());
                return ReportJob(submitted.Id, final);
            }
            catch (ServeApiException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private const string RequestBody = "request body";

    /// <summary>
    /// One line for a finished job (GET /jobs/{id} body): the video on success (exit 0), else the reason on stderr
    /// (exit 1). A job that has not ended yet is 0: nothing failed.
    /// </summary>
    public static int ReportJob(string jobId, JsonElement status)
    {
        var runtime = status.GetProperty("runtimeStatus").GetString();
        if (status.TryGetProperty("outcome", out var outcome) && outcome.ValueKind == JsonValueKind.Object)
        {
            var result = outcome.GetProperty("status").GetString();
            if (result == "succeeded")
            {
                Console.WriteLine($"{jobId} succeeded: {Text(outcome, "videoUrl")}");
                return 0;
            }

            Console.Error.WriteLine($"error: job {jobId} {result}: {Text(outcome, "error") ?? "no reason given"}");
            return 1;
        }

        if (ServeApiClient.IsFinal(runtime) && runtime != "Completed")
        {
            // Rejected at intake (only the job index knows it) or an orchestration that crashed.
            var reason = status.TryGetProperty("progress", out var progress) && progress.ValueKind == JsonValueKind.Object
                ? Text(progress, "error") : null;
            Console.Error.WriteLine($"error: job {jobId} {runtime?.ToLowerInvariant()}: {reason ?? "no reason given"}");
            return 1;
        }

        return 0;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
