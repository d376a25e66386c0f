using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Orchestration.Activities;
using EchoMimic.Orchestration.Webhooks;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>
/// Everything a render orchestration tells the outside: custom status, the job index, and the final webhook.
/// Keeps <see cref="RenderJobOrchestrator"/> reading as the workflow. Runs on the orchestration context only.
/// </summary>
internal sealed class JobReporter(TaskOrchestrationContext context, RenderJobInput input)
{
    private string JobId => context.InstanceId;

    private readonly List<StageReport> stages = [];

    public SegmentBoard? Board { get; set; }

    /// <summary>Records how a worker stage went, for the outcome (nothing when it was canceled or failed).</summary>
    public void AddStage(string stage, StageOutcome outcome)
    {
        if (outcome.Result is { } result)
        {
            stages.Add(new StageReport(stage, outcome.Attempts, result.WorkerId, result.RenderSeconds, result.Reused));
        }
    }

    public void Publish(string phase, string? error = null) =>
        context.SetCustomStatus(new RenderJobProgress(phase, Board?.Done ?? 0, Board?.Count ?? 0, Board?.Dispatches ?? 0, error));

    public async Task PhaseAsync(string phase)
    {
        Publish(phase);
        await RecordAsync(JobStatus.Running, phase);
    }

    public async Task<RenderJobOutcome> FailAsync(string error)
    {
        Publish(RenderJobPhases.Failed, error);
        await RecordAsync(JobStatus.Failed, RenderJobPhases.Failed, error: error);
        var outcome = new RenderJobOutcome(JobId, JobStatus.Failed, error, null, null, Segments(), Stages: stages);
        return outcome with { WebhookDelivered = await NotifyAsync(outcome) };
    }

    public async Task<RenderJobOutcome> CancelAsync(string? reason)
    {
        var error = $"canceled: {reason ?? "no reason given"}";
        Publish(RenderJobPhases.Canceled, error);
        await RecordAsync(JobStatus.Canceled, RenderJobPhases.Canceled, error: error);
        var outcome = new RenderJobOutcome(JobId, JobStatus.Canceled, error, null, null, Segments(), Stages: stages);
        return outcome with { WebhookDelivered = await NotifyAsync(outcome) };
    }

    public async Task<RenderJobOutcome> SucceedAsync(StitchedJob stitched)
    {
        var outcome = new RenderJobOutcome(JobId, JobStatus.Succeeded, null, stitched.VideoUrl, stitched.Result, Segments(), Stages: stages);
        Publish(RenderJobPhases.Notifying);
        var delivered = await NotifyAsync(outcome, stitched);
        Publish(RenderJobPhases.Succeeded);
        await RecordAsync(JobStatus.Succeeded, RenderJobPhases.Succeeded, stitched.VideoUrl);
        return outcome with { WebhookDelivered = delivered };
    }

    private IReadOnlyList<SegmentReport> Segments()
    {
        if (Board is null)
        {
            return [];
        }

        return Board.Plan.Segments
            .Select(segment => (segment.Index, Result: Board.AcceptedResult(segment.Index)))
            .Where(entry => entry.Result is not null)
            .Select(entry => new SegmentReport(entry.Index, Board.AttemptOf(entry.Index), entry.Result!.WorkerId,
                entry.Result.RenderSeconds, entry.Result.Reused))
            .ToList();
    }

    private Task RecordAsync(JobStatus status, string phase, string? output = null, string? error = null) =>
        context.CallActivityAsync<bool>(nameof(RecordJobStatusActivity), new JobStatusUpdate(JobId, status, phase,
            Board?.Done ?? 0, Board?.Count ?? 0, output, error, input.Spec.IdempotencyKey, input.CampaignId));

    private async Task<bool?> NotifyAsync(RenderJobOutcome outcome, StitchedJob? stitched = null)
    {
        if (input.Spec.WebhookUrl is not { } target)
        {
            return null;
        }

        JobReportSummary? summary = stitched is null
            ? null
            : new JobReportSummary(stitched.Result.DurationSeconds, stitched.Result.FrameCount, Board?.Count ?? 0,
                Board?.Dispatches ?? 0, stitched.Result.SeamRatio, stitched.ReportUrl, stitched.PosterUrl);
        var data = new JobEventData(JobId, outcome.Status, outcome.VideoUrl, outcome.Error, summary,
            input.Spec.Metadata, input.CampaignId);
        var webhookEvent = new WebhookEventFactory(input.Options.EventSource)
            .ForJob(data, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero));
        var delivery = await context.CallSubOrchestratorAsync<WebhookDeliveryOutcome>(nameof(WebhookDeliveryOrchestrator),
            new WebhookDeliveryInput(JobId, target, webhookEvent, input.Options.Webhook),
            new SubOrchestrationOptions { InstanceId = $"{JobId}-webhook" });
        return delivery.Delivered;
    }
}
