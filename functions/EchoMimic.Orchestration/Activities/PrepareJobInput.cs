namespace EchoMimic.Orchestration.Activities;

public sealed record PrepareJobInput(string JobId, Core.Jobs.RenderJobSpec Spec);
