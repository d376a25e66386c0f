namespace EchoMimic.Orchestration.Intake;

/// <summary>The job or campaign that owns a submission, and whether this call started it.</summary>
public sealed record StartResult(string Id, bool Started);
