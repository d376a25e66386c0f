using System.Globalization;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.Webhooks;

/// <summary>
/// One signed delivery attempt. The signature's timestamp is taken now (receivers reject stale timestamps), while
/// the body and webhook-id are fixed by the orchestrator, so every retry carries the same event id. Each attempt
/// is logged to work/{owner}/webhooks/{event}/{attempt}.json.
/// </summary>
public sealed class SendWebhookActivity(IWebhookTransport transport, WebhookSigner signer, WebhookTargetPolicy policy,
    IBlobStore blobs, TimeProvider time) : TaskActivity<WebhookAttempt, WebhookAttemptResult>
{
    public override async Task<WebhookAttemptResult> RunAsync(TaskActivityContext context, WebhookAttempt input)
    {
        var delivery = input.Delivery;
        var now = time.GetUtcNow();
        WebhookAttemptResult result;
        if (policy.RefusalFor(delivery.Target) is { } refusal)
        {
            result = new WebhookAttemptResult(false, true, null, $"target refused: {refusal}");
        }
        else
        {
            var headers = signer.Sign(delivery.Event.Id, now, delivery.Event.Body);
            var response = await transport.PostAsync(delivery.Target, headers, delivery.Event.Body, CancellationToken.None)
                .ConfigureAwait(false);
            result = new WebhookAttemptResult(response.Delivered, response.Permanent, response.StatusCode,
                response.Delivered ? null : response.Error ?? $"HTTP {response.StatusCode}");
        }

        var log = new BlobPath(BlobContainers.Work,
            $"{RenderJobs.JobBlobs.WebhookLogPrefix(delivery.OwnerId)}{delivery.Event.Id}/{input.Attempt.ToString("D3", CultureInfo.InvariantCulture)}.json");
        await blobs.PutJsonAsync(log, new WebhookLogEntry(delivery.Event.Id, delivery.Event.Type, delivery.Target.ToString(),
            input.Attempt, now, result.StatusCode, result.Error, result.Delivered), overwrite: true, CancellationToken.None).ConfigureAwait(false);
        return result;
    }
}
