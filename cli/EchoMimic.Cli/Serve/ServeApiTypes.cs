using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.Campaigns;
using EchoMimic.Orchestration.RenderJobs;

namespace EchoMimic.Cli.Serve;

// The bodies of the HTTP API, field for field those of the Functions app (functions/EchoMimic.Functions/Api/
// ApiResponses.cs), which the CLI cannot reference without the Functions worker SDK.

/// <summary>POST /jobs and POST /campaigns: the id that owns the submission and where to poll it.</summary>
public sealed record SubmitResponse(string Id, bool Created, string StatusUrl);

/// <summary>GET /jobs/{id}: the orchestration's status, its progress (phase, k of N) and, when done, its outcome.</summary>
public sealed record JobStatusResponse(string JobId, string RuntimeStatus, RenderJobProgress? Progress,
    RenderJobOutcome? Outcome, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt);

/// <summary>GET /campaigns/{id}.</summary>
public sealed record CampaignStatusResponse(string CampaignId, string RuntimeStatus, CampaignProgress? Progress,
    CampaignOutcome? Outcome);

/// <summary>GET /jobs: rows of the job index, newest first.</summary>
public sealed record JobListResponse(IReadOnlyList<JobRecord> Jobs);

/// <summary>Every 4xx body: the input at fault and what is wrong with it.</summary>
public sealed record ErrorResponse(string Error, string? Input = null);

/// <summary>POST /campaigns as JSON: the manifest text and how to read it.</summary>
public sealed record CampaignSubmission(string Manifest, string Format, System.Text.Json.JsonElement? Defaults,
    Uri? WebhookUrl, int? MaxConcurrentRows, string? CampaignId);
