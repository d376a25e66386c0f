using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using EchoMimic.Core;
using EchoMimic.Orchestration.Api;
using Spectre.Console;

namespace EchoMimic.Cli.Serve;

/// <summary>
/// The client side of the serve (and Functions) HTTP API for submit, status and campaign, with a progress bar.
/// A server that cannot be reached and a 400 answer are the user's to fix (<see cref="InputException"/>: exit 2 with
/// one line); other failures of the server are <see cref="ServeApiException"/>.
/// </summary>
public sealed class ServeApiClient(Uri api) : IDisposable
{
    public const string DefaultApi = "http://127.0.0.1:7071/";

    private readonly HttpClient http = new() { BaseAddress = api, Timeout = TimeSpan.FromSeconds(100) };

    /// <summary>How often <see cref="WatchAsync"/> polls.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Parses <c>--api</c>: an absolute http(s) URL.</summary>
    public static Uri ParseApi(string text) =>
        Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InputException("--api", $"'{text}' is not an http or https URL");

    public async Task<SubmitResponse> PostAsync(string route, string body, string contentType, CancellationToken ct)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, contentType);
        using var response = await SendAsync(() => http.PostAsync(route, content, ct)).ConfigureAwait(false);
        if ((int)response.StatusCode == 400)
        {
            var error = await ReadErrorAsync(response, ct).ConfigureAwait(false);
            throw new InputException(error?.Input ?? route, error?.Error ?? "rejected by the server");
        }

        await EnsureSuccessAsync(response, route, ct).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<SubmitResponse>(MessageJson.Options, ct).ConfigureAwait(false))!;
    }

    public async Task<JsonElement> GetAsync(string route, CancellationToken ct)
    {
        using var response = await SendAsync(() => http.GetAsync(route, ct)).ConfigureAwait(false);
        if ((int)response.StatusCode == 404) throw new InputException(route, "not found on the server");
        if ((int)response.StatusCode == 400)
        {
            var error = await ReadErrorAsync(response, ct).ConfigureAwait(false);
            throw new InputException(error?.Input ?? route, error?.Error ?? "rejected by the server");
        }

        await EnsureSuccessAsync(response, route, ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Polls a job or campaign until its orchestration ends, drawing one bar (segments or rows done); on a console
    /// that is not interactive (CI logs, a redirected terminal) it prints one line per change of phase or count instead.
    /// </summary>
    public async Task<JsonElement> WatchAsync(string route, CancellationToken ct)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            string? shown = null;
            while (true)
            {
                var status = await GetAsync(route, ct).ConfigureAwait(false);
                var (line, _, _) = Describe(route, status);
                if (line != shown)
                {
                    AnsiConsole.Profile.Out.Writer.WriteLine(line);
                    shown = line;
                }

                if (IsFinal(status.GetProperty("runtimeStatus").GetString())) return status;
                await Task.Delay(PollInterval, ct).ConfigureAwait(false);
            }
        }

        JsonElement last = default;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask(route, maxValue: 1);
                while (true)
                {
                    last = await GetAsync(route, ct).ConfigureAwait(false);
                    var (line, done, total) = Describe(route, last);
                    if (total > 0)
                    {
                        bar.MaxValue = total;
                        bar.Value = done;
                    }

                    bar.Description = Markup.Escape(line);
                    if (IsFinal(last.GetProperty("runtimeStatus").GetString()))
                    {
                        bar.Value = bar.MaxValue;
                        return;
                    }

                    await Task.Delay(PollInterval, ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        return last;
    }

    /// <summary>"jobs/x: rendering 1 of 3 segments" or "campaigns/y: Running 4 of 20 rows", and the counts.</summary>
    private static (string Line, int Done, int Total) Describe(string route, JsonElement status)
    {
        var runtime = status.GetProperty("runtimeStatus").GetString();
        if (!status.TryGetProperty("progress", out var progress) || progress.ValueKind != JsonValueKind.Object)
        {
            return ($"{route}: {runtime}", 0, 0);
        }

        var (done, total) = Counts(progress);
        return ($"{route}: {Text(progress, "phase") ?? runtime} {Text(progress, "progress") ?? ""}".TrimEnd(), done, total);
    }

    /// <summary>Runtime statuses after which an orchestration changes no more (a job rejected at intake: Failed).</summary>
    public static bool IsFinal(string? runtimeStatus) => runtimeStatus is "Completed" or "Failed" or "Terminated";

    // An unreachable server (connection refused, unknown host, timeout) is a wrong --api or a stack not started.
    private async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            var why = e.InnerException is SocketException socket ? socket.Message : e.Message;
            throw new InputException("--api", $"cannot reach the API at {http.BaseAddress} ({why}); is `echomimic serve` running?");
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            throw new InputException("--api", $"the API at {http.BaseAddress} did not answer within {http.Timeout.TotalSeconds:F0} s");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string route, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var error = await ReadErrorAsync(response, ct).ConfigureAwait(false);
            throw new ServeApiException($"{route}: HTTP {(int)response.StatusCode} {error?.Error ?? response.ReasonPhrase}");
        }
    }

    private static async Task<ErrorResponse?> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<ErrorResponse>(MessageJson.Options, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return null;
        }
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
