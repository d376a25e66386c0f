using EchoMimic.Core;
using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.DurableTask;
using EchoMimic.Orchestration.Api;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace EchoMimic.Functions.Api;

/// <summary>
/// The job routes of the HTTP API (the same as <c>echomimic serve</c>; described by GET /openapi.json): submit,
/// status, cancel, list. Function-key authorization: callers hold a key of the Functions app.
/// </summary>
public sealed class JobsApi(JobStarter starter, IJobIndex index, IOptions<EchoMimicSettings> settings)
{
    [Function("SubmitJob")]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        JobStart start;
        try
        {
            // The same acceptance as `echomimic serve`: validation, and an id derived from the idempotency key.
            start = RenderJobIntake.AcceptJob(await ApiResults.ReadBodyAsync(request, RequestBody.MaxJobBytes, cancellationToken).ConfigureAwait(false),
                "request body", settings.Value.ToRenderJobOptions(), jobId: null, Random.Shared);
        }
        catch (InputException e)
        {
            return ApiResults.BadRequest(e);
        }

        var spec = ((RenderJobInput)start.Input).Spec;
        var jobId = start.InstanceId;
        if (spec.IdempotencyKey is { } key && await index.FindByIdempotencyKeyAsync(key, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return ApiResults.Json(StatusCodes.Status200OK, new SubmitResponse(existing.JobId, false, $"/jobs/{existing.JobId}"));
        }

        var result = await starter.StartJobAsync(new DurableClientStarter(client), jobId, spec, cancellationToken).ConfigureAwait(false);
        return ApiResults.Json(result.Started ? StatusCodes.Status202Accepted : StatusCodes.Status200OK,
            new SubmitResponse(result.Id, result.Started, $"/jobs/{result.Id}"));
    }

    [Function("GetJob")]
    public async Task<IActionResult> Status(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs/{jobId}")] HttpRequest request,
        string jobId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instance = await client.GetInstanceAsync(jobId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (instance is null)
        {
            // A job.json rejected at intake never became an orchestration; the index knows why.
            return await index.GetAsync(jobId, cancellationToken).ConfigureAwait(false) is { } record
                ? ApiResults.Json(StatusCodes.Status200OK, JobStatusResponse.FromRecord(record))
                : ApiResults.NotFound($"job {jobId}");
        }

        return ApiResults.Json(StatusCodes.Status200OK, new JobStatusResponse(jobId, instance.RuntimeStatus.ToString(),
            instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<RenderJobProgress>(),
            instance.IsCompleted && instance.SerializedOutput is not null ? instance.ReadOutputAs<RenderJobOutcome>() : null,
            instance.CreatedAt, instance.LastUpdatedAt));
    }

    [Function("CancelJob")]
    public async Task<IActionResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs/{jobId}/cancel")] HttpRequest request,
        string jobId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        var instance = await client.GetInstanceAsync(jobId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
        if (instance is null)
        {
            return ApiResults.NotFound($"job {jobId}");
        }

        if (instance.IsCompleted)
        {
            return ApiResults.Conflict($"job {jobId} has already ended ({instance.RuntimeStatus})");
        }

        var reason = request.Query["reason"].ToString();
        await client.RaiseEventAsync(jobId, RenderJobEvents.Cancel,
            string.IsNullOrWhiteSpace(reason) ? "canceled by the API" : reason, cancellationToken).ConfigureAwait(false);
        return ApiResults.Json(StatusCodes.Status202Accepted, new SubmitResponse(jobId, false, $"/jobs/{jobId}"));
    }

    [Function("ListJobs")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        int max;
        try
        {
            max = JobListResponse.ParseMax(request.Query["max"].ToString());
        }
        catch (InputException e)
        {
            return ApiResults.BadRequest(e);
        }

        var campaign = request.Query["campaign"].ToString();
        var jobs = new List<JobRecord>();
        await foreach (var job in index.ListAsync(campaign.Length == 0 ? null : campaign, max, cancellationToken)
            .ConfigureAwait(false))
        {
            jobs.Add(job);
        }

        return ApiResults.Json(StatusCodes.Status200OK, new JobListResponse(jobs));
    }
}
