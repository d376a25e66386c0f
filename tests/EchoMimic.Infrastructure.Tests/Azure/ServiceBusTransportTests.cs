using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using EchoMimic.Core;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Tests.Contracts;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace EchoMimic.Infrastructure.Tests.Azure;

/// <summary>
/// The Service Bus segment transport against substituted SDK clients and <see cref="ServiceBusModelFactory"/>
/// messages: what goes on the wire when sending, and how lock loss, redelivery and dead-lettering are handled
/// when receiving (the broker itself cannot run here).
/// </summary>
public sealed class ServiceBusTransportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServiceBusReceivedMessage Received(SegmentTask task, int deliveryCount, string? traceParent = null,
        object? schemaVersion = null, BinaryData? body = null)
    {
        var properties = new Dictionary<string, object> { [SegmentTelemetry.SchemaVersionProperty] = schemaVersion ?? 1 };
        if (traceParent is not null)
        {
            properties[SegmentTelemetry.TraceParentProperty] = traceParent;
        }

        return ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: body ?? BinaryData.FromObjectAsJson(task, MessageJson.Options), messageId: task.MessageId,
            deliveryCount: deliveryCount, lockedUntil: DateTimeOffset.UtcNow.AddMinutes(5),
            enqueuedTime: DateTimeOffset.UtcNow.AddSeconds(-3), properties: properties);
    }

    [Fact]
    public async Task Send_batches_tasks_with_deterministic_ids_schema_version_and_trace_context()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is SegmentTelemetry.Name or "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var sender = Substitute.For<ServiceBusSender>();
        var batches = new List<List<ServiceBusMessage>>();
        sender.CreateMessageBatchAsync(Arg.Any<CancellationToken>()).Returns(_ =>
        {
            var store = new List<ServiceBusMessage>();
            batches.Add(store);
            // Two messages fit in one batch: the third forces a second send.
            return ServiceBusModelFactory.ServiceBusMessageBatch(1000, store, tryAddCallback: _ => store.Count < 2);
        });
        var queue = new ServiceBusSegmentQueue(sender, Substitute.For<ServiceBusReceiver>(), Substitute.For<ServiceBusReceiver>(), 5);
        using var source = new ActivitySource("test");
        using var job = source.StartActivity("job");

        await queue.SendAsync([.. Enumerable.Range(0, 3).Select(i => new QueueMessage<SegmentTask>(
            ContractSamples.Task(i).MessageId, ContractSamples.Task(i)))], Ct);

        await sender.Received(2).SendMessagesAsync(Arg.Any<ServiceBusMessageBatch>(), Arg.Any<CancellationToken>());
        var sent = batches.SelectMany(b => b).ToList();
        Assert.Equal(["job-0:0:1", "job-1:1:1", "job-2:2:1"], sent.Select(m => m.MessageId));
        Assert.All(sent, m => Assert.Equal(SegmentTask.CurrentSchemaVersion, m.ApplicationProperties[SegmentTelemetry.SchemaVersionProperty]));
        Assert.All(sent, m => Assert.StartsWith($"00-{job!.TraceId}-", (string)m.ApplicationProperties[SegmentTelemetry.TraceParentProperty], StringComparison.Ordinal));
        Assert.Equal(ContractSamples.Task(1), sent[1].Body.ToObjectFromJson<SegmentTask>(MessageJson.Options));
    }

    [Fact]
    public async Task Lease_settles_through_the_receiver_and_maps_lock_loss()
    {
        var receiver = Substitute.For<ServiceBusReceiver>();
        var task = ContractSamples.Task(4);
        var first = Received(task, 1);
        var second = Received(task, 2);
        receiver.ReceiveMessageAsync(Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>()).Returns(first, second);
        receiver.CompleteMessageAsync(first, Arg.Any<CancellationToken>())
            .Throws(new ServiceBusException("lock expired", ServiceBusFailureReason.MessageLockLost));
        var queue = new ServiceBusSegmentQueue(Substitute.For<ServiceBusSender>(), receiver, Substitute.For<ServiceBusReceiver>(), 5);

        var stale = (await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!;
        var redelivered = (await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!;

        Assert.Equal(task, stale.Body);
        Assert.Equal("job-4:4:1", stale.MessageId);
        await Assert.ThrowsAsync<MessageLockLostException>(() => stale.CompleteAsync(Ct));
        Assert.Equal(2, redelivered.DeliveryCount);
        await redelivered.AbandonAsync("gpu reset", Ct);
        await receiver.Received(1).AbandonMessageAsync(second,
            Arg.Is<IDictionary<string, object>>(p => (string)p["lastFailure"] == "gpu reset"), Arg.Any<CancellationToken>());
        await Assert.ThrowsAsync<MessageLockLostException>(() => redelivered.CompleteAsync(Ct));
    }

    [Fact]
    public async Task Unreadable_task_is_dead_lettered_on_receive_and_peeked_with_its_reason()
    {
        var receiver = Substitute.For<ServiceBusReceiver>();
        var deadLetters = Substitute.For<ServiceBusReceiver>();
        var task = ContractSamples.Task(1);
        var garbage = Received(task, 1, body: BinaryData.FromString("{not json"));
        var newer = Received(task, 1, schemaVersion: SegmentTask.CurrentSchemaVersion + 1);
        receiver.ReceiveMessageAsync(Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>()).Returns(garbage, newer, null);
        deadLetters.PeekMessagesAsync(10, null, Arg.Any<CancellationToken>()).Returns(new List<ServiceBusReceivedMessage>
        {
            ServiceBusModelFactory.ServiceBusReceivedMessage(BinaryData.FromObjectAsJson(task, MessageJson.Options),
                messageId: task.MessageId, deliveryCount: 5, properties: new Dictionary<string, object>
                {
                    // Where the broker keeps a dead letter's reason and description.
                    ["DeadLetterReason"] = "segment failed",
                    ["DeadLetterErrorDescription"] = "failed on delivery 5 of 5: CUDA out of memory",
                }),
        });
        var queue = new ServiceBusSegmentQueue(Substitute.For<ServiceBusSender>(), receiver, deadLetters, 5);

        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct));
        var dead = Assert.Single(await queue.PeekDeadLettersAsync(10, Ct));

        await receiver.Received(1).DeadLetterMessageAsync(garbage, "unreadable segment task",
            Arg.Is<string>(s => s.Contains("not a segment task", StringComparison.Ordinal)), Arg.Any<CancellationToken>());
        await receiver.Received(1).DeadLetterMessageAsync(newer, "unreadable segment task",
            Arg.Is<string>(s => s.Contains($"schema version {SegmentTask.CurrentSchemaVersion + 1}", StringComparison.Ordinal)), Arg.Any<CancellationToken>());
        Assert.Equal((task.MessageId, 5, task), (dead.MessageId, dead.DeliveryCount, dead.Body));
        Assert.Equal("segment failed: failed on delivery 5 of 5: CUDA out of memory", dead.Reason);
    }

    [Fact]
    public async Task Processor_completes_success_abandons_transient_and_dead_letters_on_the_last_delivery()
    {
        var receiver = Substitute.For<ServiceBusReceiver>();
        var outcomes = new Queue<Exception?>([null, new IOException("blob timeout"), new IOException("blob timeout"),
            new PermanentSegmentFailureException("pose folder has 3 frames, segment needs 132")]);
        var processor = new ServiceBusSegmentProcessor(new ServiceBusSegmentProcessorOptions { MaxDeliveryCount = 3 },
            (_, _, _) => outcomes.Dequeue() is { } e ? Task.FromException(e) : Task.CompletedTask,
            NullLogger.Instance);
        var task = ContractSamples.Task(2);
        var (ok, transient, last, permanent) = (Received(task, 1), Received(task, 2), Received(task, 3), Received(task, 1));

        foreach (var message in new[] { ok, transient, last, permanent })
        {
            await processor.HandleAsync(new ProcessMessageEventArgs(message, receiver, Ct));
        }

        await receiver.Received(1).CompleteMessageAsync(ok, Arg.Any<CancellationToken>());
        await receiver.Received(1).AbandonMessageAsync(transient,
            Arg.Is<IDictionary<string, object>>(p => (string)p["lastFailure"] == "blob timeout"), Arg.Any<CancellationToken>());
        await receiver.Received(1).DeadLetterMessageAsync(last, "segment failed",
            "failed on delivery 3 of 3: blob timeout", Arg.Any<CancellationToken>());
        await receiver.Received(1).DeadLetterMessageAsync(permanent, "segment failed",
            "pose folder has 3 frames, segment needs 132", Arg.Any<CancellationToken>());
        await receiver.DidNotReceive().CompleteMessageAsync(transient, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Processor_tolerates_a_lock_lost_while_rendering_and_continues_the_producers_trace()
    {
        var receiver = Substitute.For<ServiceBusReceiver>();
        receiver.CompleteMessageAsync(Arg.Any<ServiceBusReceivedMessage>(), Arg.Any<CancellationToken>())
            .Throws(new ServiceBusException("lock lost", ServiceBusFailureReason.MessageLockLost));
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SegmentTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        const string parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        string? seenTrace = null;
        var processor = new ServiceBusSegmentProcessor(new ServiceBusSegmentProcessorOptions(),
            (_, _, _) => { seenTrace = Activity.Current?.TraceId.ToString(); return Task.CompletedTask; }, NullLogger.Instance);

        await processor.HandleAsync(new ProcessMessageEventArgs(Received(ContractSamples.Task(0), 1, parent), receiver, Ct));

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", seenTrace);
        await receiver.DidNotReceiveWithAnyArgs().AbandonMessageAsync(default!, default, Ct);
    }

    [Fact]
    public void Processor_options_follow_one_gpu_per_replica()
    {
        var options = ServiceBusSegmentProcessor.CreateProcessorOptions(new ServiceBusSegmentProcessorOptions());

        Assert.False(options.AutoCompleteMessages);
        Assert.Equal(1, options.MaxConcurrentCalls);
        Assert.Equal(0, options.PrefetchCount);
        Assert.Equal(ServiceBusReceiveMode.PeekLock, options.ReceiveMode);
        Assert.True(options.MaxAutoLockRenewalDuration > TimeSpan.FromMinutes(30));
    }
}
