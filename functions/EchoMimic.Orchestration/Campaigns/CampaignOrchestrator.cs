using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Webhooks;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.Campaigns;

/// <summary>
/// Runs one <see cref="RenderJobOrchestrator"/> sub-orchestration per row (job id = campaign id + row id), at most
/// <see cref="CampaignInput.MaxConcurrentRows"/> at once so a 1,000-row campaign does not flood the segment queue
/// ahead of other jobs. A row's failure stays with that row; when all rows are done one campaign webhook lists them.
/// </summary>
public sealed class CampaignOrchestrator : TaskOrchestrator<CampaignInput, CampaignOutcome>
{
    public override async Task<CampaignOutcome> RunAsync(TaskOrchestrationContext context, CampaignInput input)
    {
        var campaignId = context.InstanceId;
        var outcomes = new CampaignRowOutcome?[input.Rows.Count];
        var running = new Dictionary<Task<RenderJobOutcome>, int>();
        var next = 0;
        while (next < input.Rows.Count || running.Count > 0)
        {
            while (next < input.Rows.Count && running.Count < Math.Max(1, input.MaxConcurrentRows))
            {
                var row = input.Rows[next];
                var job = context.CallSubOrchestratorAsync<RenderJobOutcome>(nameof(RenderJobOrchestrator),
                    new RenderJobInput(row.Spec, input.Options, campaignId),
                    new SubOrchestrationOptions { InstanceId = row.JobIdIn(campaignId) });
                running.Add(job, next++);
            }

            Publish(context, input, outcomes, running.Count);
            var finished = await Task.WhenAny(running.Keys);
            var index = running[finished];
            running.Remove(finished);
            outcomes[index] = OutcomeOf(input.Rows[index], campaignId, finished);
        }

        Publish(context, input, outcomes, 0);
        var rows = outcomes.Select(outcome => outcome!).ToList();
        bool? delivered = null;
        if (input.WebhookUrl is { } target)
        {
            var data = new CampaignEventData(campaignId, rows.Count(r => r.Status == JobStatus.Succeeded),
                rows.Count(r => r.Status != JobStatus.Succeeded), rows);
            var webhookEvent = new WebhookEventFactory(input.Options.EventSource)
                .ForCampaign(data, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero));
            var delivery = await context.CallSubOrchestratorAsync<WebhookDeliveryOutcome>(nameof(WebhookDeliveryOrchestrator),
                new WebhookDeliveryInput(campaignId, target, webhookEvent, input.Options.Webhook),
                new SubOrchestrationOptions { InstanceId = $"{campaignId}-webhook" });
            delivered = delivery.Delivered;
        }

        return new CampaignOutcome(campaignId, rows, delivered);
    }

    private static CampaignRowOutcome OutcomeOf(Core.Campaigns.CampaignRow row, string campaignId, Task<RenderJobOutcome> finished)
    {
        var jobId = row.JobIdIn(campaignId);
        if (finished.IsCompletedSuccessfully)
        {
            var job = finished.Result;
            return new CampaignRowOutcome(row.RowId, jobId, job.Status, job.VideoUrl, job.Error);
        }

        // The job orchestration itself crashed (a bug, not a bad row): the row fails with the reason, the rest go on.
        var reason = finished.Exception?.InnerException is TaskFailedException failed
            ? failed.FailureDetails.ErrorMessage
            : finished.Exception?.InnerException?.Message;
        return new CampaignRowOutcome(row.RowId, jobId, JobStatus.Failed, null, $"job orchestration failed: {reason}");
    }

    private static void Publish(TaskOrchestrationContext context, CampaignInput input, CampaignRowOutcome?[] outcomes, int running) =>
        context.SetCustomStatus(new CampaignProgress(input.Rows.Count, running,
            outcomes.Count(o => o?.Status == JobStatus.Succeeded),
            outcomes.Count(o => o is not null && o.Status != JobStatus.Succeeded)));
}
