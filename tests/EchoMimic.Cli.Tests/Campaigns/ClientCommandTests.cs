using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace EchoMimic.Cli.Tests.Campaigns;

/// <summary>
/// <c>echomimic submit | status | campaign</c> against a real <c>serve</c> stack (the shared fixture): progress
/// display, output, and exit codes (0 done, 1 a failed job or row, 2 with one line for a bad file or an unreachable
/// server). Rejected submissions start nothing.
/// </summary>
[Collection(ServeStackCollection.Name)]
public sealed class ClientCommandTests(ServeStackFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Api => fixture.Stack.ApiAddress.ToString();

    [Fact]
    public async Task Submit_wait_follows_a_job_to_its_video_and_status_reports_it()
    {
        var job = await WriteAsync("good-job.json", ServeStackFixture.JobJson(seed: 5));

        var submit = await ServeStackFixture.RunCliAsync("submit", job, "--api", Api, "--wait");

        Assert.True(submit.ExitCode == 0, Describe(submit));
        var id = submit.Output.Split(' ')[0];
        Assert.StartsWith($"{id} submitted (/jobs/{id})", submit.Output, StringComparison.Ordinal);
        Assert.Contains($"{id} succeeded: ", submit.Output, StringComparison.Ordinal);
        Assert.Contains($"{id}/video.mp4", submit.Output, StringComparison.Ordinal);
        Assert.Matches($@"jobs/{id}: \w+", submit.Progress);
        Assert.Contains("1 of 1 segments", submit.Progress, StringComparison.Ordinal);

        var status = await ServeStackFixture.RunCliAsync("status", id, "--api", Api);
        Assert.True(status.ExitCode == 0, Describe(status));
        var body = JsonDocument.Parse(status.Output[..(status.Output.LastIndexOf('}') + 1)]).RootElement;
        Assert.Equal("Completed", body.GetProperty("runtimeStatus").GetString());
        Assert.Equal("succeeded", body.GetProperty("outcome").GetProperty("status").GetString());

        var list = await ServeStackFixture.RunCliAsync("status", "--api", Api);
        Assert.True(list.ExitCode == 0, Describe(list));
        Assert.Contains($"\"jobId\":\"{id}\"", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_wait_exits_1_with_the_reason_when_the_job_fails_and_status_agrees()
    {
        var job = await WriteAsync("broken-job.json", ServeStackFixture.JobJson(seed: 6, reference: ServeStackFixture.Broken));

        var submit = await ServeStackFixture.RunCliAsync("submit", job, "--api", Api, "--wait");

        Assert.True(submit.ExitCode == 1, Describe(submit));
        var id = submit.Output.Split(' ')[0];
        Assert.Equal($"error: job {id} failed: {ServeStackFixture.Broken}: is not a readable image (PNG, JPEG or WebP expected)",
            submit.Error.Trim());
        var status = await ServeStackFixture.RunCliAsync("status", id, "--api", Api, "--watch");
        Assert.True(status.ExitCode == 1, Describe(status));
        Assert.Contains("is not a readable image", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_of_an_invalid_job_file_exits_2_naming_the_file_and_field_and_starts_nothing()
    {
        var job = await WriteAsync("bad-steps.json", ServeStackFixture.JobJson(seed: 1).Replace("\"steps\": 1", "\"steps\": 0", StringComparison.Ordinal)
            .Replace("\"schemaVersion\": 1,", "\"schemaVersion\": 1, \"idempotencyKey\": \"bad-steps\",", StringComparison.Ordinal));
        var before = await JobCountAsync();

        var run = await ServeStackFixture.RunCliAsync("submit", job, "--api", Api, "--wait");

        AssertOneLineError(run, $"error: {job}:settings.steps: must be between 1 and 200, got 0");
        Assert.Equal(before, await JobCountAsync());
    }

    [Fact]
    public async Task Submit_of_a_file_that_is_not_json_or_missing_exits_2()
    {
        var notJson = await WriteAsync("not-json.json", "{ this is not json");
        var run = await ServeStackFixture.RunCliAsync("submit", notJson, "--api", Api);
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith($"error: {notJson}", run.Error, StringComparison.Ordinal);

        var missing = Path.Combine(fixture.Files, "nope.json");
        AssertOneLineError(await ServeStackFixture.RunCliAsync("submit", missing, "--api", Api), $"error: {missing}: job file does not exist");
    }

    [Fact]
    public async Task Campaign_with_an_invalid_row_exits_2_naming_file_row_and_field_and_starts_nothing()
    {
        var manifest = await WriteAsync("bad-rows.csv", $"""
            id,reference,audio,gesture,steps,width,height
            a,{ServeStackFixture.Reference},{ServeStackFixture.Audio},breathing,1,64,64
            b,{ServeStackFixture.Reference},{ServeStackFixture.Audio},breathing,1,65,64
            """);

        var run = await ServeStackFixture.RunCliAsync("campaign", manifest, "--id", "rejected", "--api", Api, "--wait");

        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith($"error: {manifest}:row 2 (line 3)", run.Error, StringComparison.Ordinal);
        Assert.Contains("settings.width: must be a multiple of 8, got 65", run.Error, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = fixture.Stack.ApiAddress };
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("campaigns/rejected", Ct)).StatusCode);
        Assert.Null(await fixture.Stack.Client.GetInstanceAsync("rejected-a", Ct));
    }

    [Fact]
    public async Task Campaign_with_a_bad_defaults_file_or_extension_exits_2()
    {
        var manifest = await WriteAsync("rows.csv", $"id,reference\na,{ServeStackFixture.Reference}\n");
        var defaults = await WriteAsync("defaults.json", "[not json");
        var run = await ServeStackFixture.RunCliAsync("campaign", manifest, "--defaults", defaults, "--api", Api);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {defaults}: not valid JSON", run.Error, StringComparison.Ordinal);

        var text = await WriteAsync("rows.txt", "id\na\n");
        AssertOneLineError(await ServeStackFixture.RunCliAsync("campaign", text, "--api", Api), $"error: {text}: use a .csv or .jsonl manifest");
    }

    [Fact]
    public async Task Every_client_command_exits_2_with_one_line_when_the_server_is_unreachable()
    {
        var closed = $"http://127.0.0.1:{ClosedPort()}/";
        var job = await WriteAsync("unreachable.json", ServeStackFixture.JobJson(seed: 1));
        var manifest = await WriteAsync("unreachable.csv", $"id,reference\na,{ServeStackFixture.Reference}\n");
        foreach (var args in new[] { new[] { "submit", job }, ["status", "some-job"], ["status"], ["campaign", manifest] })
        {
            var run = await ServeStackFixture.RunCliAsync([.. args, "--api", closed]);
            Assert.Equal(2, run.ExitCode);
            Assert.Single(run.Error.Trim().Split('\n'));
            Assert.StartsWith($"error: --api: cannot reach the API at {closed}", run.Error, StringComparison.Ordinal);
        }

        AssertOneLineError(await ServeStackFixture.RunCliAsync("status", "x", "--api", "ftp://example"), "error: --api: 'ftp://example' is not an http or https URL");
    }

    [Fact]
    public async Task Status_of_an_unknown_job_exits_2()
    {
        AssertOneLineError(await ServeStackFixture.RunCliAsync("status", "no-such-job", "--api", Api), "error: jobs/no-such-job: not found on the server");
    }

    private async Task<int> JobCountAsync()
    {
        using var http = new HttpClient { BaseAddress = fixture.Stack.ApiAddress };
        var list = await http.GetFromJsonAsync<JsonElement>("jobs?max=500", Ct);
        return list.GetProperty("jobs").GetArrayLength();
    }

    private async Task<string> WriteAsync(string name, string text)
    {
        var path = Path.Combine(fixture.Files, name);
        await File.WriteAllTextAsync(path, text, Ct);
        return path;
    }

    private static void AssertOneLineError(ServeStackFixture.CliRun run, string expected)
    {
        Assert.True(run.ExitCode == 2, Describe(run));
        Assert.Equal(expected, run.Error.Trim());
    }

    private static string Describe(ServeStackFixture.CliRun run) =>
        $"exit {run.ExitCode}\nstdout: {run.Output}\nstderr: {run.Error}\nprogress: {run.Progress}";

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
