using System.Net.Mime;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using EchoMimic.Core.Ports;

namespace EchoMimic.Core.Webhooks;

/// <summary>Builds webhook bodies as CloudEvents 1.0 structured-mode JSON (CloudNative.CloudEvents).</summary>
public sealed class WebhookEventFactory(Uri source)
{
    private static readonly JsonEventFormatter Formatter = new(MessageJson.Options, default);

    /// <summary>The product's event source, e.g. https://echomimic.example/api or urn:echomimic:local.</summary>
    public Uri Source { get; } = source;

    public WebhookEvent ForJob(JobEventData data, DateTimeOffset time)
    {
        var type = data.Status switch
        {
            JobStatus.Succeeded => WebhookEventTypes.JobSucceeded,
            JobStatus.Canceled => WebhookEventTypes.JobCanceled,
            JobStatus.Failed => WebhookEventTypes.JobFailed,
            _ => throw new ArgumentException($"a job webhook is sent for a finished job, not {data.Status}", nameof(data)),
        };
        return Create($"{data.JobId}.{data.Status.ToString().ToLowerInvariant()}", type, $"jobs/{data.JobId}", data, time);
    }

    public WebhookEvent ForCampaign(CampaignEventData data, DateTimeOffset time) =>
        Create($"{data.CampaignId}.completed", WebhookEventTypes.CampaignCompleted, $"campaigns/{data.CampaignId}", data, time);

    private WebhookEvent Create<T>(string id, string type, string subject, T data, DateTimeOffset time)
    {
        var cloudEvent = new CloudEvent
        {
            Id = id,
            Type = type,
            Source = Source,
            Subject = subject,
            Time = time,
            DataContentType = MediaTypeNames.Application.Json,
            Data = JsonSerializer.SerializeToElement(data, MessageJson.Options),
        };
        var body = Formatter.EncodeStructuredModeMessage(cloudEvent, out _);
        return new WebhookEvent(id, type, time, Encoding.UTF8.GetString(body.Span));
    }
}
