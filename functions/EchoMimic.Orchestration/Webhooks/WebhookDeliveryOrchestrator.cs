using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.Webhooks;

/// <summary>
/// Delivers one webhook event with exponential backoff on durable timers until delivered, refused for good, or
/// <see cref="WebhookRetryPolicy.GiveUpAfter"/> has passed since the first attempt. A sub-orchestration so that
/// jobs and campaigns share it and a long retry window does not bloat the job's own history.
/// </summary>
public sealed class WebhookDeliveryOrchestrator : TaskOrchestrator<WebhookDeliveryInput, WebhookDeliveryOutcome>
{
    public override async Task<WebhookDeliveryOutcome> RunAsync(TaskOrchestrationContext context, WebhookDeliveryInput input)
    {
        var firstAttemptAt = context.CurrentUtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            var result = await context.CallActivityAsync<WebhookAttemptResult>(nameof(SendWebhookActivity),
                new WebhookAttempt(input, attempt));
            if (result.Delivered)
            {
                return new WebhookDeliveryOutcome(true, attempt, null);
            }

            var delay = input.Policy.DelayAfter(attempt);
            if (result.Permanent || context.CurrentUtcDateTime + delay - firstAttemptAt > input.Policy.GiveUpAfter)
            {
                return new WebhookDeliveryOutcome(false, attempt, result.Error);
            }

            await context.CreateTimer(delay, CancellationToken.None);
        }
    }
}
