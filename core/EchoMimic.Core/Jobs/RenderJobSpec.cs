namespace EchoMimic.Core.Jobs;

/// <summary>
/// A render job as a caller writes it (job.json, POST /jobs, one campaign row). Parse and validate it with
/// <see cref="RenderJobSpecReader"/>; Schemas/render-job.schema.json documents the same shape for callers.
/// </summary>
public sealed record RenderJobSpec(
    JobInputs Inputs,
    RenderSettings Settings,
    string OutputName,
    Uri? WebhookUrl,
    IReadOnlyDictionary<string, string> Metadata,
    string? IdempotencyKey)
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
}
