using System.Text.Json;
using EchoMimic.Core.Ports;
using EchoMimic.Functions.Api;
using EchoMimic.Orchestration.Api;
using EchoMimic.Orchestration.Campaigns;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using NSubstitute;
using static EchoMimic.Functions.Tests.Fakes;

namespace EchoMimic.Functions.Tests;

public sealed class ApiFunctionTests
{
    [Fact]
    public async Task Submit_starts_a_job_and_answers_202_with_its_status_url()
    {
        var index = Index();
        var client = Client();
        var api = new JobsApi(Starter(index), index, Settings());

        var result = Assert.IsType<ObjectResult>(await api.Submit(Request("POST", ValidJobJson), client, Ct));

        Assert.Equal(202, result.StatusCode);
        var body = Assert.IsType<SubmitResponse>(result.Value);
        Assert.True(body.Created);
        Assert.Equal($"/jobs/{body.Id}", body.StatusUrl);
        await client.Received(1).ScheduleNewOrchestrationInstanceAsync(
            Arg.Is<TaskName>(n => n.Name == nameof(RenderJobOrchestrator)), Arg.Any<object?>(),
            Arg.Is<StartOrchestrationOptions?>(o => o!.InstanceId == body.Id), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Second_submit_with_the_same_idempotency_key_returns_the_first_job()
    {
        var index = Index();
        var client = Client();
        var api = new JobsApi(Starter(index), index, Settings());

        var first = (SubmitResponse)((ObjectResult)await api.Submit(Request("POST", ValidJobJson), client, Ct)).Value!;
        var second = Assert.IsType<ObjectResult>(await api.Submit(Request("POST", ValidJobJson), client, Ct));

        Assert.Equal(200, second.StatusCode);
        Assert.Equal(first.Id, Assert.IsType<SubmitResponse>(second.Value).Id);
        await client.Received(1).ScheduleNewOrchestrationInstanceAsync(Arg.Any<TaskName>(), Arg.Any<object?>(),
            Arg.Any<StartOrchestrationOptions?>(), Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData("{", "request body")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a/r.gif","audio":"uploads/a/s.wav","pose":{"gesture":"x"}}}""", "reference")]
    public async Task Invalid_spec_is_400_naming_the_input_and_starts_nothing(string body, string namedInput)
    {
        var index = Index();
        var client = Client();
        var api = new JobsApi(Starter(index), index, Settings());

        var result = Assert.IsType<ObjectResult>(await api.Submit(Request("POST", body), client, Ct));

        Assert.Equal(400, result.StatusCode);
        var error = Assert.IsType<ErrorResponse>(result.Value);
        Assert.Contains(namedInput, error.Input + " " + error.Error, StringComparison.Ordinal);
        await client.DidNotReceiveWithAnyArgs().ScheduleNewOrchestrationInstanceAsync(default, default, default, Ct);
        Assert.Empty(await index.ListAsync(null, 10, Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Status_reports_phase_progress_and_outcome()
    {
        var client = Client();
        var progress = JsonSerializer.Serialize(new RenderJobProgress("rendering", 2, 5, 6));
        client.HasInstance("job-1", OrchestrationRuntimeStatus.Running, customStatus: progress);
        var api = new JobsApi(Starter(Index()), Index(), Settings());

        var result = Assert.IsType<ObjectResult>(await api.Status(Request("GET"), "job-1", client, Ct));

        var status = Assert.IsType<JobStatusResponse>(result.Value);
        Assert.Equal("Running", status.RuntimeStatus);
        Assert.Equal("2 of 5 segments", status.Progress?.Progress);
        Assert.Null(status.Outcome);
    }

    [Fact]
    public async Task Status_of_a_job_rejected_at_intake_comes_from_the_index_and_unknown_is_404()
    {
        var index = Index();
        await index.AddOrGetAsync(new JobRecord("bad", JobStatus.Failed, Now, Now, Error: "uploads/x/job.json: broken"), Ct);
        var api = new JobsApi(Starter(index), index, Settings());

        var rejected = (JobStatusResponse)((ObjectResult)await api.Status(Request("GET"), "bad", Client(), Ct)).Value!;
        var unknown = Assert.IsType<ObjectResult>(await api.Status(Request("GET"), "nope", Client(), Ct));

        Assert.Equal("Failed", rejected.RuntimeStatus);
        Assert.Equal("uploads/x/job.json: broken", rejected.Progress?.Error);
        Assert.Equal(404, unknown.StatusCode);
    }

    [Fact]
    public async Task Cancel_raises_the_cancel_event_on_a_running_job_only()
    {
        var client = Client();
        client.HasInstance("running", OrchestrationRuntimeStatus.Running);
        client.HasInstance("done", OrchestrationRuntimeStatus.Completed);
        var api = new JobsApi(Starter(Index()), Index(), Settings());

        var accepted = Assert.IsType<ObjectResult>(await api.Cancel(Request("POST", query: "?reason=wrong%20audio"), "running", client, Ct));
        var conflict = Assert.IsType<ObjectResult>(await api.Cancel(Request("POST"), "done", client, Ct));
        var missing = Assert.IsType<ObjectResult>(await api.Cancel(Request("POST"), "nope", client, Ct));

        Assert.Equal((202, 409, 404), (accepted.StatusCode, conflict.StatusCode, missing.StatusCode));
        await client.Received(1).RaiseEventAsync("running", RenderJobEvents.Cancel, "wrong audio", Arg.Any<CancellationToken>());
        await client.DidNotReceive().RaiseEventAsync("done", Arg.Any<string>(), Arg.Any<object?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task List_returns_newest_first_filtered_by_campaign_and_validates_max()
    {
        var index = Index();
        await index.AddOrGetAsync(new JobRecord("a", JobStatus.Succeeded, Now, Now, CampaignId: "c"), Ct);
        await index.AddOrGetAsync(new JobRecord("b", JobStatus.Running, Now.AddMinutes(1), Now), Ct);
        await index.AddOrGetAsync(new JobRecord("c", JobStatus.Pending, Now.AddMinutes(2), Now, CampaignId: "c"), Ct);
        var api = new JobsApi(Starter(index), index, Settings());

        var all = (JobListResponse)((ObjectResult)await api.List(Request("GET"), Ct)).Value!;
        var campaign = (JobListResponse)((ObjectResult)await api.List(Request("GET", query: "?campaign=c&max=1"), Ct)).Value!;
        var bad = Assert.IsType<ObjectResult>(await api.List(Request("GET", query: "?max=0"), Ct));

        Assert.Equal(["c", "b", "a"], all.Jobs.Select(j => j.JobId));
        Assert.Equal(["c"], campaign.Jobs.Select(j => j.JobId));
        Assert.Equal(400, bad.StatusCode);
        Assert.Equal("max", ((ErrorResponse)bad.Value!).Input);
    }

    [Fact]
    public async Task Campaign_submit_accepts_csv_and_json_and_rejects_a_bad_manifest()
    {
        var client = Client();
        var api = new CampaignsApi(Starter(Index()), Settings());
        const string csv = "id,reference,audio,gesture\nr1,uploads/c/r.png,uploads/c/1.wav,fight\n";
        var json = JsonSerializer.Serialize(new { manifest = csv, format = "csv", campaignId = "spring", maxConcurrentRows = 4,
            webhookUrl = "https://hooks.example.com/done" });

        var fromCsv = Assert.IsType<ObjectResult>(await api.Submit(Request("POST", csv, "text/csv"), client, Ct));
        var fromJson = Assert.IsType<ObjectResult>(await api.Submit(Request("POST", json), client, Ct));
        var bad = Assert.IsType<ObjectResult>(await api.Submit(Request("POST", "id,audio\nr1,uploads/c/1.txt\n", "text/csv"), client, Ct));
        var badType = Assert.IsType<ObjectResult>(await api.Submit(Request("POST", csv, "text/plain"), client, Ct));

        Assert.Equal((202, 202, 400, 400), (fromCsv.StatusCode, fromJson.StatusCode, bad.StatusCode, badType.StatusCode));
        Assert.Equal("spring", ((SubmitResponse)fromJson.Value!).Id);
        await client.Received(1).ScheduleNewOrchestrationInstanceAsync(
            Arg.Is<TaskName>(n => n.Name == nameof(CampaignOrchestrator)),
            Arg.Is<object?>(input => IsSpringCampaign(input)),
            Arg.Is<StartOrchestrationOptions?>(o => o!.InstanceId == "spring"), Arg.Any<CancellationToken>());
        await client.Received(2).ScheduleNewOrchestrationInstanceAsync(Arg.Any<TaskName>(), Arg.Any<object?>(),
            Arg.Any<StartOrchestrationOptions?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Campaign_status_reports_rows_and_unknown_or_non_campaign_is_404()
    {
        var client = Client();
        client.HasInstance("spring", OrchestrationRuntimeStatus.Running, nameof(CampaignOrchestrator),
            JsonSerializer.Serialize(new CampaignProgress(20, 4, 10, 1)));
        client.HasInstance("job-1", OrchestrationRuntimeStatus.Running);
        var api = new CampaignsApi(Starter(Index()), Settings());

        var status = (CampaignStatusResponse)((ObjectResult)await api.Status(Request("GET"), "spring", client, Ct)).Value!;
        var job = Assert.IsType<ObjectResult>(await api.Status(Request("GET"), "job-1", client, Ct));

        Assert.Equal("11 of 20 rows", status.Progress?.Progress);
        Assert.Equal(404, job.StatusCode);
    }

    [Fact]
    public void OpenApi_document_describes_every_http_function_route_and_method()
    {
        var document = OpenApiFunction.Document;
        var paths = document["paths"]!.AsObject();

        foreach (var (route, methods, name) in FunctionCatalog.HttpRoutes())
        {
            var path = paths["/" + route];
            Assert.True(path is not null, $"OpenAPI lacks /{route} ({name})");
            foreach (var method in methods)
            {
                Assert.True(path![method] is not null, $"OpenAPI lacks {method} /{route} ({name})");
                Assert.Equal(name, (string?)path[method]!["operationId"]);
            }
        }

        var result = Assert.IsType<ContentResult>(new OpenApiFunction().Run(Request("GET")));
        Assert.Equal("3.0.3", JsonDocument.Parse(result.Content!).RootElement.GetProperty("openapi").GetString());
    }

    private static bool IsSpringCampaign(object? input) =>
        input is CampaignInput c && c.MaxConcurrentRows == 4 && c.WebhookUrl == new Uri("https://hooks.example.com/done")
        && c.Rows.Count == 1;
}
