using System.Net.Http.Json;
using System.Text.Json;
using EchoMimic.Core;
using EchoMimic.Core.Messages;
using Spectre.Console;

namespace EchoMimic.Cli.Serve;

/// <summary>The client side of the serve (and Functions) HTTP API for submit, status and campaign, with a progress bar.</summary>
public sealed class ServeApiClient(Uri api) : IDisposable
{
    public const string DefaultApi = "http://127.0.0.1:7071/";

    private readonly HttpClient http = new() { BaseAddress = api };

    public async Task<SubmitResponse> PostAsync(string route, string body, string contentType, CancellationToken ct)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, contentType);
        using var response = await http.PostAsync(route, content, ct).ConfigureAwait(false);
        if ((int)response.StatusCode == 400)
        {
            var error = await response.Content.ReadFromJsonAsync<ErrorResponse>(MessageJson.Options, ct).ConfigureAwait(false);
            throw new InputException(error?.Input ?? route, error?.Error ?? "rejected");
        }

        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SubmitResponse>(MessageJson.Options, ct).ConfigureAwait(false))!;
    }

    public async Task<JsonElement> GetAsync(string route, CancellationToken ct)
    {
        using var response = await http.GetAsync(route, ct).ConfigureAwait(false);
        if ((int)response.StatusCode == 404) throw new InputException(route, "not found on the server");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct).ConfigureAwait(false);
    }

    /// <summary>Polls a job or campaign until its orchestration ends, drawing one bar (segments or rows done).</summary>
    public async Task<JsonElement> WatchAsync(string route, CancellationToken ct)
    {
        JsonElement last = default;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask(route, maxValue: 1);
                while (true)
                {
                    last = await GetAsync(route, ct).ConfigureAwait(false);
                    var status = last.GetProperty("runtimeStatus").GetString();
                    if (last.TryGetProperty("progress", out var progress) && progress.ValueKind == JsonValueKind.Object)
                    {
                        var (done, total) = Counts(progress);
                        if (total > 0)
                        {
                            bar.MaxValue = total;
                            bar.Value = done;
                        }

                        bar.Description = $"{route}: {Text(progress, "phase") ?? status} {Text(progress, "progress") ?? ""}";
                    }

                    if (status is "Completed" or "Failed" or "Terminated")
                    {
                        bar.Value = bar.MaxValue;
                        return;
                    }

                    await Task.Delay(1000, ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        return last;
    }

    // Jobs report segmentsDone/segmentCount (RenderJobProgress); campaigns rows, succeeded and failed (CampaignProgress).
    private static (int Done, int Total) Counts(JsonElement progress)
    {
        static int Number(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
        return progress.TryGetProperty("segmentCount", out _)
            ? (Number(progress, "segmentsDone"), Number(progress, "segmentCount"))
            : (Number(progress, "succeeded") + Number(progress, "failed"), Number(progress, "rows"));
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public void Dispose() => http.Dispose();
}
