using EchoMimic.Core;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.Api;
using EchoMimic.Orchestration.Campaigns;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;

namespace EchoMimic.Cli.Serve;

/// <summary>
/// The HTTP API of <c>echomimic serve</c>: the routes and bodies of the Functions app (POST/GET /jobs,
/// GET /jobs/{id}, POST /jobs/{id}/cancel, POST /campaigns, GET /campaigns/{id}), with the same intake; the OpenAPI
/// document is generated from these endpoints at GET /openapi.json. Loopback only, so no keys.
/// </summary>
public static class ServeApi
{
    public const int DefaultCampaignConcurrency = 8;

    public static void Map(IEndpointRouteBuilder app, DurableTaskClient client, IJobIndex index, ServeJobStarter starter)
    {
        app.MapPost("/jobs", async (HttpRequest request, CancellationToken ct) =>
        {
            JobStart start;
            try
            {
                start = RenderJobIntake.AcceptJob(await RequestBody.ReadAsync(request.Body, RequestBody.MaxJobBytes, ct), "request body", starter.Options, jobId: null, Random.Shared);
            }
            catch (InputException e)
            {
                return Bad(e);
            }

            var spec = ((RenderJobInput)start.Input).Spec;
            if (spec.IdempotencyKey is { } key && await index.FindByIdempotencyKeyAsync(key, ct) is { } existing)
            {
                return Results.Json(new SubmitResponse(existing.JobId, false, $"/jobs/{existing.JobId}"), MessageJson.Options, statusCode: 200);
            }

            var (id, started) = await starter.StartJobAsync(start.InstanceId, spec, ct);
            return Results.Json(new SubmitResponse(id, started, $"/jobs/{id}"), MessageJson.Options, statusCode: started ? 202 : 200);
        }).WithName("SubmitJob").Produces<SubmitResponse>(202).Produces<ErrorResponse>(400);

        app.MapGet("/jobs/{jobId}", async (string jobId, CancellationToken ct) =>
        {
            var instance = await client.GetInstanceAsync(jobId, getInputsAndOutputs: true, ct);
            if (instance is null)
            {
                return await index.GetAsync(jobId, ct) is { } record
                    ? Results.Json(JobStatusResponse.FromRecord(record), MessageJson.Options)
                    : NotFound($"job {jobId}");
            }

            return Results.Json(new JobStatusResponse(jobId, instance.RuntimeStatus.ToString(),
                instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<RenderJobProgress>(),
                instance.IsCompleted && instance.SerializedOutput is not null ? instance.ReadOutputAs<RenderJobOutcome>() : null,
                instance.CreatedAt, instance.LastUpdatedAt), MessageJson.Options);
        }).WithName("GetJob").Produces<JobStatusResponse>().Produces<ErrorResponse>(404);

        app.MapPost("/jobs/{jobId}/cancel", async (string jobId, string? reason, CancellationToken ct) =>
        {
            var instance = await client.GetInstanceAsync(jobId, getInputsAndOutputs: false, ct);
            if (instance is null)
            {
                return NotFound($"job {jobId}");
            }

            if (instance.IsCompleted)
            {
                return Results.Json(new ErrorResponse($"job {jobId} has already ended ({instance.RuntimeStatus})"), MessageJson.Options, statusCode: 409);
            }

            await client.RaiseEventAsync(jobId, RenderJobEvents.Cancel, string.IsNullOrWhiteSpace(reason) ? "canceled by the API" : reason, ct);
            return Results.Json(new SubmitResponse(jobId, false, $"/jobs/{jobId}"), MessageJson.Options, statusCode: 202);
        }).WithName("CancelJob").Produces<SubmitResponse>(202).Produces<ErrorResponse>(404).Produces<ErrorResponse>(409);

        app.MapGet("/jobs", async (string? max, string? campaign, CancellationToken ct) =>
        {
            int count;
            try
            {
                count = JobListResponse.ParseMax(max);
            }
            catch (InputException e)
            {
                return Bad(e);
            }

            var jobs = new List<JobRecord>();
            await foreach (var job in index.ListAsync(string.IsNullOrEmpty(campaign) ? null : campaign, count, ct))
            {
                jobs.Add(job);
            }

            return Results.Json(new JobListResponse(jobs), MessageJson.Options);
        }).WithName("ListJobs").Produces<JobListResponse>().Produces<ErrorResponse>(400);

        app.MapPost("/campaigns", async (HttpRequest request, CancellationToken ct) =>
        {
            try
            {
                var submission = CampaignSubmission.Read(await RequestBody.ReadAsync(request.Body, RequestBody.MaxCampaignBytes, ct), request.ContentType);
                var start = RenderJobIntake.AcceptCampaign(submission.Manifest, submission.ManifestFileName, submission.Defaults?.GetRawText(),
                    submission.CampaignId, submission.MaxConcurrentRows ?? DefaultCampaignConcurrency, submission.WebhookUrl,
                    starter.Options, Random.Shared);
                var (id, started) = await starter.StartAsync(start, ct);
                return Results.Json(new SubmitResponse(id, started, $"/campaigns/{id}"), MessageJson.Options, statusCode: started ? 202 : 200);
            }
            catch (InputException e)
            {
                return Bad(e);
            }
        }).WithName("SubmitCampaign").Produces<SubmitResponse>(202).Produces<ErrorResponse>(400);

        app.MapGet("/campaigns/{campaignId}", async (string campaignId, CancellationToken ct) =>
        {
            var instance = await client.GetInstanceAsync(campaignId, getInputsAndOutputs: true, ct);
            if (instance is null || instance.Name != nameof(CampaignOrchestrator))
            {
                return NotFound($"campaign {campaignId}");
            }

            return Results.Json(new CampaignStatusResponse(campaignId, instance.RuntimeStatus.ToString(),
                instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<CampaignProgress>(),
                instance.IsCompleted && instance.SerializedOutput is not null ? instance.ReadOutputAs<CampaignOutcome>() : null),
                MessageJson.Options);
        }).WithName("GetCampaign").Produces<CampaignStatusResponse>().Produces<ErrorResponse>(404);
    }

    private static IResult Bad(InputException e) =>
        Results.Json(new ErrorResponse(e.Problem, e.Input), MessageJson.Options, statusCode: 400);

    private static IResult NotFound(string what) =>
        Results.Json(new ErrorResponse($"{what} not found"), MessageJson.Options, statusCode: 404);
}
