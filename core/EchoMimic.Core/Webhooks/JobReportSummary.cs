namespace EchoMimic.Core.Webhooks;

/// <summary>The headline figures of report.json, repeated in the webhook so callers need not fetch the report.</summary>
public sealed record JobReportSummary(double DurationSeconds, int FrameCount, int Segments, int Attempts,
    double? SeamRatio, string? ReportUrl, string? PosterUrl);
