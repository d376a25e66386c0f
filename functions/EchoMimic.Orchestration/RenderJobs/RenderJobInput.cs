using EchoMimic.Core.Jobs;

namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>A render orchestration's input; the job id is the orchestration's instance id.</summary>
public sealed record RenderJobInput(RenderJobSpec Spec, RenderJobOptions Options, string? CampaignId = null);
