using EchoMimic.Core.Ports;

namespace EchoMimic.Orchestration.Activities;

public sealed record StitchedJob(StitchResult Result, string VideoUrl, string PosterUrl, string ReportUrl);
