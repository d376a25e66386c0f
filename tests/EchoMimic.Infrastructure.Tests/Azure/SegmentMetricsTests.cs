using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Tests.Azure.ServiceBusDouble;
using EchoMimic.Infrastructure.Tests.Contracts;

namespace EchoMimic.Infrastructure.Tests.Azure;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SegmentMetricsCollection
{
    public const string Name = "segment metrics (alone: the meter is process-wide)";
}

/// <summary>
/// The worker-side metrics of a segment handled through the Service Bus double: queue wait per delivery, a retry for
/// the second delivery, and GPU seconds per video second on completion. Runs alone because the meter is static.
/// </summary>
[Collection(SegmentMetricsCollection.Name)]
public sealed class SegmentMetricsTests
{
    [Fact]
    public async Task Redelivered_and_completed_segment_records_queue_wait_a_retry_and_its_render_cost()
    {
        var ct = TestContext.Current.CancellationToken;
        var measured = new ConcurrentQueue<(string Instrument, double Value)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SegmentTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((i, value, _, _) => measured.Enqueue((i.Name, value)));
        listener.SetMeasurementEventCallback<long>((i, value, _, _) => measured.Enqueue((i.Name, value)));
        listener.Start();
        var entity = new InMemoryServiceBusEntity("segments", TimeSpan.FromMinutes(5), 5, TimeSpan.FromHours(2));
        var queue = new ServiceBusSegmentQueue(new InMemoryServiceBusClient(entity), "segments", 5);
        var task = ContractSamples.Task(1); // 120 owned frames at 24 fps: 5 s of video
        await queue.SendAsync([new QueueMessage<SegmentTask>(task.MessageId, task)], ct);

        var first = (await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), ct))!;
        await first.AbandonAsync("gpu reset", ct);
        var second = (await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), ct))!;
        // "Rendering" for at least 250 ms on the same monotonic clock the lease measures with: Task.Delay's timer ticks in
        // whole milliseconds and can end a fraction of one early (measured once: 249.4 ms).
        var rendering = System.Diagnostics.Stopwatch.StartNew();
        while (rendering.Elapsed < TimeSpan.FromMilliseconds(250))
        {
            await Task.Delay(10, ct);
        }

        await second.CompleteAsync(ct);

        var byName = measured.ToLookup(m => m.Instrument, m => m.Value);
        var seen = string.Join(", ", measured.Select(m => $"{m.Instrument}={m.Value:0.###}"));
        Assert.True(byName["echomimic.segment.queue_wait"].Count() == 2, seen);
        Assert.All(byName["echomimic.segment.queue_wait"], wait => Assert.InRange(wait, 0, 60));
        Assert.True(byName["echomimic.segment.retries"].SequenceEqual([1.0]), seen);
        Assert.True(byName["echomimic.segment.gpu_seconds_per_video_second"].Count() == 1, seen);
        // At least the 250 ms of "rendering" over 5 s of video; the upper bound only rules out nonsense on a busy machine.
        Assert.InRange(byName["echomimic.segment.gpu_seconds_per_video_second"].Single(), 0.25 / 5, 60.0 / 5);
        Assert.True(!byName["echomimic.segment.dead_letters"].Any(), seen);
    }
}
