namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>How a job stage that runs on a worker (prepare, stitch) went: the accepted attempt's worker and timing.</summary>
public sealed record StageReport(string Stage, int Attempts, string WorkerId, double Seconds, bool Reused);
