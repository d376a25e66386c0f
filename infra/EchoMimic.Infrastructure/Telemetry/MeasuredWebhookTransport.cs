using System.Diagnostics;
using System.Diagnostics.Metrics;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Telemetry;

/// <summary>
/// Wraps a webhook transport with a client span and the webhook latency metric (source and meter
/// "EchoMimic.Webhooks"): the time from sending a delivery attempt to the receiver's answer, by outcome.
/// </summary>
public sealed class MeasuredWebhookTransport(IWebhookTransport inner) : IWebhookTransport
{
    public const string Name = "EchoMimic.Webhooks";
    private static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);
    private static readonly Histogram<double> Latency =
        Meter.CreateHistogram<double>("echomimic.webhook.latency", "s", "Webhook delivery attempt latency");

    public async Task<WebhookResponse> PostAsync(Uri target, IReadOnlyDictionary<string, string> headers, string body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var span = Source.StartActivity("webhook deliver", ActivityKind.Client);
        span?.SetTag("server.address", target.Host);
        var started = Stopwatch.GetTimestamp();
        var response = await inner.PostAsync(target, headers, body, cancellationToken).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var outcome = response.Delivered ? "delivered" : response.Permanent ? "refused" : "retry";
        Latency.Record(seconds, new KeyValuePair<string, object?>("outcome", outcome));
        span?.SetTag("http.response.status_code", response.StatusCode);
        span?.SetTag("echomimic.webhook.outcome", outcome);
        if (!response.Delivered)
        {
            span?.SetStatus(ActivityStatusCode.Error, response.Error);
        }

        return response;
    }
}
