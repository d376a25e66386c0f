using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Messaging.ServiceBus;
using EchoMimic.Core.Messages;

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

    /// <summary>
    /// Starts the consumer span of a received segment task, parented to the producer span whose context the message
    /// carries, and records its queue wait and (from the second delivery on) a retry. The caller's
    /// <see cref="Activity.Current"/> is left as it was when <paramref name="keepCurrent"/> (a lease outlives the
    /// receive call, so the span must not become the receiver's ambient span).
    /// </summary>
    public static Activity? StartSegmentRender(ServiceBusReceivedMessage message, SegmentTask task, bool keepCurrent = false)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(task);
        var queueWait = DateTimeOffset.UtcNow - message.EnqueuedTime;
        QueueWaitSeconds.Record(Math.Max(0, queueWait.TotalSeconds));
        if (message.DeliveryCount > 1)
        {
            Retries.Add(1);
        }

        var previous = Activity.Current;
        var span = Source.StartActivity("segment render", ActivityKind.Consumer, Extract(message.ApplicationProperties));
        if (keepCurrent)
        {
            Activity.Current = previous;
        }

        span?.SetTag("echomimic.job_id", task.JobId);
        span?.SetTag("echomimic.segment", task.Segment.Index);
        span?.SetTag("echomimic.attempt", task.Attempt);
        span?.SetTag("messaging.message.id", message.MessageId);
        span?.SetTag("messaging.servicebus.delivery_count", message.DeliveryCount);
        span?.SetTag("echomimic.queue_wait_s", queueWait.TotalSeconds);
        return span;
    }

    /// <summary>Records render time per second of video the segment adds (its owned frames at the job's fps).</summary>
    public static void RecordRenderCost(SegmentTask task, TimeSpan renderTime)
    {
        ArgumentNullException.ThrowIfNull(task);
        var videoSeconds = (double)task.Segment.OwnedFrames / Math.Max(1, task.Settings.Fps);
        if (videoSeconds > 0)
        {
            GpuSecondsPerVideoSecond.Record(renderTime.TotalSeconds / videoSeconds);
        }
    }

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
