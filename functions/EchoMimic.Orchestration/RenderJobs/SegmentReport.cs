namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>How one segment went: the accepted result and how many dispatches it took.</summary>
public sealed record SegmentReport(int Index, int Attempts, string WorkerId, double RenderSeconds, bool Reused);
