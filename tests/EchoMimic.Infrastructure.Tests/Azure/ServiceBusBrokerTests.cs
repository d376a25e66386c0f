using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Tests.Azure.ServiceBusDouble;
using EchoMimic.Infrastructure.Tests.Contracts;
using Microsoft.Extensions.Logging.Abstractions;

namespace EchoMimic.Infrastructure.Tests.Azure;

/// <summary>
/// Broker behaviour of the Service Bus transport (<see cref="ServiceBusSegmentQueue"/> and
/// <see cref="ServiceBusSegmentProcessor"/>) over the in-memory broker double: duplicate detection, redelivery after
/// abandon, dead-lettering after the last delivery, lock loss during a render, lock renewal while rendering, and the
/// consumer span continuing the dispatcher's trace.
/// </summary>
public sealed class ServiceBusBrokerTests
{
    private const string Queue = "segments";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static QueueMessage<SegmentTask> Message(int n) => new(ContractSamples.Task(n).MessageId, ContractSamples.Task(n));

    private static (InMemoryServiceBusEntity Entity, InMemoryServiceBusClient Client, ServiceBusSegmentQueue Queue) Broker(
        TimeSpan? lockDuration = null, int maxDeliveryCount = 5)
    {
        var entity = new InMemoryServiceBusEntity(Queue, lockDuration ?? TimeSpan.FromMinutes(5), maxDeliveryCount, TimeSpan.FromHours(2));
        var client = new InMemoryServiceBusClient(entity);
        return (entity, client, new ServiceBusSegmentQueue(client, Queue, maxDeliveryCount));
    }

    /// <summary>Runs the processor until <paramref name="done"/> completes (or 20 s pass).</summary>
    private static async Task ProcessUntilAsync(ServiceBusClient client, ServiceBusSegmentProcessorOptions options,
        Func<SegmentTask, int, CancellationToken, Task> handler, Task done)
    {
        await using var processor = new ServiceBusSegmentProcessor(client, Queue, options, handler, NullLogger.Instance);
        await processor.StartAsync(Ct);
        await done.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        await processor.StopAsync(Ct);
    }

    [Fact]
    public async Task Re_sent_task_with_the_same_message_id_is_dropped_by_duplicate_detection()
    {
        var (entity, _, queue) = Broker();
        await queue.SendAsync([Message(1)], Ct);
        var lease = (await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!;
        await lease.CompleteAsync(Ct);

        // The DispatchSegment activity replayed after a crash sends attempt 1 again; a new attempt has a new id.
        await queue.SendAsync([Message(1), Message(1)], Ct);
        var retry = ContractSamples.Task(1) with { Attempt = 2 };
        await queue.SendAsync([new QueueMessage<SegmentTask>(retry.MessageId, retry)], Ct);

        await using var next = await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct);
        Assert.Equal("job-1:1:2", next!.MessageId);
        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(300), Ct));
        Assert.Equal(2, entity.DuplicatesDropped);
    }

    [Fact]
    public async Task Large_dispatch_is_split_into_batches_that_fit_a_message()
    {
        var (entity, client, _) = Broker();
        var sender = (InMemoryServiceBusSender)client.CreateSender(Queue);
        var queue = new ServiceBusSegmentQueue(sender, client.CreateReceiver(Queue), client.CreateReceiver(Queue,
            new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter }), 5);

        // ~800 bytes per task + envelope: 500 tasks do not fit one 256 KB batch.
        await queue.SendAsync([.. Enumerable.Range(0, 500).Select(Message)], Ct);

        Assert.True(sender.BatchesSent >= 2, $"{sender.BatchesSent} batch(es)");
        Assert.Equal(500, entity.ActiveCount);
    }

    [Fact]
    public async Task Processor_redelivers_an_abandoned_task_and_completes_it_on_the_next_delivery()
    {
        var (entity, client, queue) = Broker();
        await queue.SendAsync([Message(2)], Ct);
        var deliveries = new ConcurrentQueue<int>();
        var done = new TaskCompletionSource();

        await ProcessUntilAsync(client, new ServiceBusSegmentProcessorOptions(), (_, delivery, _) =>
        {
            deliveries.Enqueue(delivery);
            if (delivery == 1)
            {
                throw new IOException("blob timeout");
            }

            done.TrySetResult();
            return Task.CompletedTask;
        }, done.Task);

        Assert.Equal([1, 2], deliveries);
        Assert.Equal(0, entity.ActiveCount);
        Assert.Equal(0, entity.DeadLetterCount);
    }

    [Fact]
    public async Task Processor_dead_letters_with_the_reason_after_the_last_allowed_delivery()
    {
        var (entity, client, queue) = Broker(maxDeliveryCount: 3);
        await queue.SendAsync([Message(3)], Ct);
        var deliveries = new ConcurrentQueue<int>();

        await ProcessUntilAsync(client, new ServiceBusSegmentProcessorOptions { MaxDeliveryCount = 3 }, (_, delivery, _) =>
        {
            deliveries.Enqueue(delivery);
            throw new IOException("CUDA out of memory");
        }, WaitUntilAsync(() => entity.DeadLetterCount == 1));

        Assert.Equal([1, 2, 3], deliveries);
        var dead = Assert.Single(await queue.PeekDeadLettersAsync(10, Ct));
        Assert.Equal(("job-3:3:1", 3), (dead.MessageId, dead.DeliveryCount));
        Assert.Equal("segment failed: failed on delivery 3 of 3: CUDA out of memory", dead.Reason);
    }

    [Fact]
    public async Task Broker_dead_letters_a_task_whose_locks_keep_expiring()
    {
        // A replica that dies mid-render never settles: each lock expiry is a delivery (Service Bus counts them).
        var (entity, _, queue) = Broker(TimeSpan.FromMilliseconds(300), maxDeliveryCount: 2);
        await queue.SendAsync([Message(4)], Ct);

        Assert.Equal(1, (await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!.DeliveryCount);
        Assert.Equal(2, (await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2), Ct))!.DeliveryCount);
        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct));

        var dead = Assert.Single(await queue.PeekDeadLettersAsync(10, Ct));
        Assert.Equal("MaxDeliveryCountExceeded: Message could not be consumed after 2 delivery attempts.", dead.Reason);
        Assert.Equal(0, entity.ActiveCount);
    }

    [Fact]
    public async Task Lease_whose_lock_was_lost_mid_render_cannot_renew_or_complete_and_the_task_is_redelivered()
    {
        var (entity, _, queue) = Broker();
        await queue.SendAsync([Message(5)], Ct);
        var lease = (await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!;
        await lease.RenewAsync(Ct);

        entity.ExpireLock(lease.MessageId);

        await Assert.ThrowsAsync<MessageLockLostException>(() => lease.RenewAsync(Ct));
        await Assert.ThrowsAsync<MessageLockLostException>(() => lease.CompleteAsync(Ct));
        await lease.DisposeAsync(); // abandoning a lost lease is a no-op, not an error
        await using var again = await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct);
        Assert.Equal((lease.MessageId, 2), (again!.MessageId, again.DeliveryCount));
        await again.CompleteAsync(Ct);
        Assert.Equal(0, entity.ActiveCount);
    }

    [Fact]
    public async Task Processor_survives_a_lock_lost_mid_render_and_the_redelivery_completes_the_task()
    {
        var (entity, client, queue) = Broker();
        await queue.SendAsync([Message(6)], Ct);
        var deliveries = new ConcurrentQueue<int>();
        var done = new TaskCompletionSource();

        await ProcessUntilAsync(client, new ServiceBusSegmentProcessorOptions(), (task, delivery, _) =>
        {
            deliveries.Enqueue(delivery);
            if (delivery == 1)
            {
                entity.ExpireLock(task.MessageId); // e.g. a network partition longer than the lock
            }
            else
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        }, done.Task);

        // The first completion failed with MessageLockLost (logged, not thrown), the broker redelivered the task.
        Assert.Equal([1, 2], deliveries);
        await WaitUntilAsync(() => entity.ActiveCount == 0);
        Assert.Equal(0, entity.DeadLetterCount);
    }

    [Fact]
    public async Task Processor_renews_the_lock_while_a_render_outlasts_it()
    {
        // Lock 2 s, renewed at half the remaining lock: 1 s of slack for a busy test machine.
        var (entity, client, queue) = Broker(TimeSpan.FromSeconds(2));
        await queue.SendAsync([Message(7)], Ct);
        var deliveries = new ConcurrentQueue<int>();
        var done = new TaskCompletionSource();
        var stolen = false;

        await ProcessUntilAsync(client, new ServiceBusSegmentProcessorOptions { MaxLockRenewal = TimeSpan.FromMinutes(1) },
            async (_, delivery, ct) =>
            {
                deliveries.Enqueue(delivery);
                // 2.5 lock durations of "rendering", while another replica keeps asking for work.
                stolen = await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), ct) is not null;
                done.TrySetResult();
            }, done.Task);

        Assert.False(stolen);
        Assert.Equal([1], deliveries);
        await WaitUntilAsync(() => entity.ActiveCount == 0);
    }

    [Fact]
    public async Task Render_outlasting_the_renewal_limit_loses_the_lock_to_another_replica()
    {
        // Why MaxLockRenewal must exceed the slowest segment: past it the lock lapses and the task is rendered twice.
        var (entity, client, queue) = Broker(TimeSpan.FromSeconds(1));
        await queue.SendAsync([Message(8)], Ct);
        IMessageLease<SegmentTask>? stolen = null;
        var done = new TaskCompletionSource();

        await ProcessUntilAsync(client, new ServiceBusSegmentProcessorOptions { MaxLockRenewal = TimeSpan.FromSeconds(1.5) },
            async (_, _, ct) =>
            {
                stolen = await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), ct);
                done.TrySetResult();
            }, done.Task);

        Assert.NotNull(stolen);
        Assert.Equal(2, stolen.DeliveryCount);
        await stolen.CompleteAsync(Ct);
        Assert.Equal(0, entity.ActiveCount);
    }

    [Fact]
    public async Task Worker_span_of_a_received_task_is_a_child_of_the_dispatchers_span()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is SegmentTelemetry.Name or "test-dispatcher",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var (_, _, queue) = Broker();
        using var dispatcher = new ActivitySource("test-dispatcher");
        var task = ContractSamples.Task(9);
        ActivityTraceId dispatchTrace;
        using (var job = dispatcher.StartActivity("job"))
        {
            dispatchTrace = job!.TraceId;
            await queue.SendAsync([Message(9)], Ct);
        }

        // The worker receives on a thread with no ambient trace.
        Activity.Current = null;
        var lease = (await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!;
        Assert.Null(Activity.Current);
        await lease.CompleteAsync(Ct);

        var dispatch = Assert.Single(spans, s => s.OperationName == "segment dispatch" && (string?)s.GetTagItem("echomimic.job_id") == task.JobId);
        var render = Assert.Single(spans, s => s.OperationName == "segment render" && (string?)s.GetTagItem("echomimic.job_id") == task.JobId);
        Assert.Equal(dispatchTrace, render.TraceId);
        Assert.Equal(dispatch.SpanId, render.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, render.Kind);
        Assert.Equal(ActivityStatusCode.Ok, render.Status);
        Assert.Equal(1, render.GetTagItem("messaging.servicebus.delivery_count"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "condition not reached in 20 s");
            await Task.Delay(20, Ct);
        }
    }
}
