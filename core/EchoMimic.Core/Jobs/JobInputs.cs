namespace EchoMimic.Core.Jobs;

/// <summary>Blob paths ("uploads/...") of a job's inputs, uploaded before job.json by convention.</summary>
public sealed record JobInputs(string Reference, string Audio, PoseSource Pose);
