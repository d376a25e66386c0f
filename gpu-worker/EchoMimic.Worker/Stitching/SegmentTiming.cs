namespace EchoMimic.Worker.Stitching;

/// <summary>One segment in report.json.</summary>
public sealed record SegmentTiming(int Index, int Start, int End, int RenderStart, int RenderEnd, string WorkerId,
    int Attempts, double RenderSeconds, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, bool Reused);
