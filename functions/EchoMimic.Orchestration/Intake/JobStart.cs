namespace EchoMimic.Orchestration.Intake;

/// <summary>An accepted submission: which orchestrator to start, under which instance id, with which input.</summary>
public sealed record JobStart(string InstanceId, string Orchestrator, object Input);
