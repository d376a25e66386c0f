using EchoMimic.Core;
using EchoMimic.Infrastructure.DurableTask;
using EchoMimic.Orchestration.Api;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.Campaigns;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace EchoMimic.Functions.Api;

/// <summary>
/// The campaign routes: POST /campaigns takes a manifest as CSV (<c>text/csv</c>), JSONL
/// (<c>application/x-ndjson</c>) or a JSON <see cref="CampaignSubmission"/> (manifest text, format, shared
/// defaults, campaign webhook); GET /campaigns/{id} reports per-row progress and results.
/// </summary>
public sealed class CampaignsApi(JobStarter starter, IOptions<EchoMimicSettings> settings)
{
    [Function("SubmitCampaign")]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "campaigns")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var body = await ApiResults.ReadBodyAsync(request, RequestBody.MaxCampaignBytes, cancellationToken).ConfigureAwait(false);
            var submission = CampaignSubmission.Read(body, request.ContentType);
            // The same acceptance as `echomimic serve`: every row validated, ids checked, before anything starts.
            var start = RenderJobIntake.AcceptCampaign(submission.Manifest, submission.ManifestFileName, submission.Defaults?.GetRawText(),
                submission.CampaignId, submission.MaxConcurrentRows ?? settings.Value.CampaignConcurrency, submission.WebhookUrl,
                starter.Options, Random.Shared);
            var result = await starter.StartAsync(new DurableClientStarter(client), start, cancellationToken).ConfigureAwait(false);
            return ApiResults.Json(result.Started ? StatusCodes.Status202Accepted : StatusCodes.Status200OK,
                new SubmitResponse(result.Id, result.Started, $"/campaigns/{result.Id}"));
        }
        catch (InputException e)
        {
            return ApiResults.BadRequest(e);
        }
    }

    [Function("GetCampaign")]
    public async Task<IActionResult> Status(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "campaigns/{campaignId}")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instance = await client.GetInstanceAsync(campaignId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (instance is null || instance.Name != nameof(CampaignOrchestrator))
        {
            return ApiResults.NotFound($"campaign {campaignId}");
        }

        return ApiResults.Json(StatusCodes.Status200OK, new CampaignStatusResponse(campaignId, instance.RuntimeStatus.ToString(),
            instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<CampaignProgress>(),
            instance.IsCompleted && instance.SerializedOutput is not null ? instance.ReadOutputAs<CampaignOutcome>() : null));
    }
}
