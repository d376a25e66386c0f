using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// The traces and metrics of the segment transport (source and meter "EchoMimic.Segments"): a producer span per
/// dispatched segment whose W3C trace context travels in the message's application properties, a consumer span
/// per received segment parented to it, queue wait, retries and dead letters. Exported by whatever OpenTelemetry
/// pipeline the host configures (Azure Monitor in Azure, console locally).
/// </summary>
public static class SegmentTelemetry
{
    public const string Name = "EchoMimic.Segments";
    public const string TraceParentProperty = "traceparent";
    public const string TraceStateProperty = "tracestate";
    public const string SchemaVersionProperty = "schemaVersion";

    public static ActivitySource Source { get; } = new(Name);

    public static Meter Meter { get; } = new(Name);

    public static Histogram<double> QueueWaitSeconds { get; } =
        Meter.CreateHistogram<double>("echomimic.segment.queue_wait", "s", "Time a segment task waited in the queue");

    public static Counter<long> Retries { get; } =
        Meter.CreateCounter<long>("echomimic.segment.retries", description: "Segment deliveries after the first (abandon or lock expiry)");

    /// <summary>The cost figure of the product: GPU time spent per second of finished video.</summary>
    public static Histogram<double> GpuSecondsPerVideoSecond { get; } =
        Meter.CreateHistogram<double>("echomimic.segment.gpu_seconds_per_video_second", "s/s",
            "Render time of a segment divided by the seconds of video it adds (its frames without the overlap / fps)");

    public static Counter<long> DeadLetters { get; } =
        Meter.CreateCounter<long>("echomimic.segment.dead_letters", description: "Segment tasks dead-lettered");

    /// <summary>Writes the current span's W3C context into message properties.</summary>
    public static void Inject(Activity? activity, IDictionary<string, object> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (activity?.Id is { } id && activity.IdFormat == ActivityIdFormat.W3C)
        {
            properties[TraceParentProperty] = id;
            if (activity.TraceStateString is { } state)
            {
                properties[TraceStateProperty] = state;
            }
        }
    }

    /// <summary>The producer's context from message properties (default when absent or malformed).</summary>
    public static ActivityContext Extract(IReadOnlyDictionary<string, object> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        return properties.TryGetValue(TraceParentProperty, out var parent) && parent is string traceParent
            && ActivityContext.TryParse(traceParent,
                properties.TryGetValue(TraceStateProperty, out var state) ? state as string : null, out var context)
            ? context
            : default;
    }
}
