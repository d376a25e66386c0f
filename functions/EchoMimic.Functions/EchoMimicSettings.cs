using EchoMimic.Orchestration.RenderJobs;

namespace EchoMimic.Functions;

/// <summary>
/// The app's settings (section "EchoMimic"; in Azure the app settings <c>EchoMimic__...</c> that
/// bicep/modules/functionapp.bicep writes). Connections are identity-based: only names and URIs, no keys.
/// </summary>
public sealed class EchoMimicSettings
{
    public const string Section = "EchoMimic";

    /// <summary>Storage connection string for Azurite or local runs; empty in Azure (managed identity).</summary>
    public string? StorageConnectionString { get; set; }

    public StorageSettings Storage { get; set; } = new();

    public ServiceBusSettings ServiceBus { get; set; } = new();

    public int WorkRetentionDays { get; set; } = 7;

    public int SegmentDeadlineMinutes { get; set; } = 15;

    public int SegmentMaxAttempts { get; set; } = 3;

    public int CampaignConcurrency { get; set; } = 8;

    /// <summary>Standard Webhooks secret (<c>whsec_...</c>), a Key Vault reference in Azure.</summary>
    public string? WebhookSigningSecret { get; set; }

    /// <summary>Allow webhooks to private/loopback addresses (local stacks only; refused by default: SSRF).</summary>
    public bool AllowPrivateWebhookTargets { get; set; }

    /// <summary>The CloudEvents <c>source</c> of this deployment's webhooks.</summary>
    public Uri EventSource { get; set; } = new("urn:echomimic:azure");

    public RenderJobOptions ToRenderJobOptions() => RenderJobOptions.Default with
    {
        SegmentDeadline = TimeSpan.FromMinutes(SegmentDeadlineMinutes),
        MaxAttempts = SegmentMaxAttempts,
        EventSource = EventSource,
    };

    public sealed class StorageSettings
    {
        public string? AccountName { get; set; }

        /// <summary>Create containers/queues/tables on first use; default: only with a connection string (Azurite).</summary>
        public bool? Provision { get; set; }
    }

    public sealed class ServiceBusSettings
    {
        public string? FullyQualifiedNamespace { get; set; }

        public string SegmentQueue { get; set; } = "segments";

        public int MaxDeliveryCount { get; set; } = 5;
    }
}
