using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Tests.Contracts;

/// <summary>
/// What every <see cref="IMessageQueue{T}"/> adapter must do (segment queue and results queue). Lock durations are
/// short so lock expiry is observed within seconds; adapters whose broker enforces a minimum lock (Service Bus:
/// 5 s granularity) override <see cref="ShortLock"/>.
/// </summary>
public abstract class MessageQueueContract<T>
    where T : class
{
    protected virtual TimeSpan ShortLock => TimeSpan.FromSeconds(1);

    protected virtual TimeSpan LongLock => TimeSpan.FromSeconds(30);

    protected virtual TimeSpan ReceiveWait => TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh, empty queue that dead-letters after <paramref name="maxDeliveryCount"/> deliveries.</summary>
    protected abstract Task<IMessageQueue<T>> CreateQueueAsync(int maxDeliveryCount);

    /// <summary>A distinct message body; bodies must compare equal by value after a round trip.</summary>
    protected abstract T Sample(int n);

    [Fact]
    public async Task Sent_message_is_received_with_its_body_and_id()
    {
        var queue = await CreateQueueAsync(10);
        await queue.SendAsync([new QueueMessage<T>("m-1", Sample(1))], Ct);

        await using var lease = await queue.ReceiveAsync(LongLock, ReceiveWait, Ct);

        Assert.NotNull(lease);
        Assert.Equal("m-1", lease.MessageId);
        Assert.Equal(Sample(1), lease.Body);
        Assert.Equal(1, lease.DeliveryCount);
        await lease.CompleteAsync(Ct);
    }

    [Fact]
    public async Task Completed_message_is_not_delivered_again()
    {
        var queue = await CreateQueueAsync(10);
        await queue.SendAsync([new QueueMessage<T>("m-1", Sample(1))], Ct);
        var lease = (await queue.ReceiveAsync(LongLock, ReceiveWait, Ct))!;

        await lease.CompleteAsync(Ct);

        Assert.Null(await queue.ReceiveAsync(LongLock, TimeSpan.FromSeconds(1), Ct));
    }

    [Fact]
    public async Task Locked_message_is_invisible_to_other_receivers()
    {
        var queue = await CreateQueueAsync(10);
        await queue.SendAsync([new QueueMessage<T>("m-1", Sample(1)), new QueueMessage<T>("m-2", Sample(2))], Ct);

        var first = (await queue.ReceiveAsync(LongLock, ReceiveWait, Ct))!;
        var second = (await queue.ReceiveAsync(LongLock, ReceiveWait, Ct))!;

        Assert.NotEqual(first.MessageId, second.MessageId);
        Assert.Null(await queue.ReceiveAsync(LongLock, TimeSpan.FromSeconds(1), Ct));
        await first.CompleteAsync(Ct);
        await second.CompleteAsync(Ct);
    }

    [Fact]
    public async Task Abandoned_message_is_redelivered_with_a_higher_delivery_count()
    {
        var queue = await CreateQueueAsync(10);
        await queue.SendAsync([new QueueMessage<T>("m-1", Sample(1))], Ct);
        var first = (await queue.ReceiveAsync(LongLock, ReceiveWait, Ct))!;

        await first.AbandonAsync("transient", Ct);
        var again = await queue.ReceiveAsync(LongLock, ReceiveWait, Ct);

        Assert.NotNull(again);
        Assert.Equal("m-1", again.MessageId);
        Assert.Equal(2, again.DeliveryCount);
        await again.CompleteAsync(Ct);
    }

    [Fact]
    public async Task Expired_lock_redelivers_and_the_old_lease_can_no_longer_settle()
    {
        var queue = await CreateQueueAsync(10);
        await queue.SendAsync([new QueueMessage<T>("m-1", Sample(1))], Ct);
        var first = (await queue.ReceiveAsync(ShortLock, ReceiveWait, Ct))!;

        var again = await queue.ReceiveAsync(LongLock, ShortLock * 3 + ReceiveWait, Ct);

        Assert.NotNull(again);
        Assert.Equal(2, again.DeliveryCount);
        await Assert.ThrowsAsync<MessageLockLostException>(() => first.CompleteAsync(Ct));
        await again.CompleteAsync(Ct);
    }

    [Fact]
    public async Task Renewed_lock_outlives_its_first_duration()
    {
        var queue = await CreateQueueAsync(10);
        await queue.SendAsync([new QueueMessage<T>("m-1", Sample(1))], Ct);
        var lease = (await queue.ReceiveAsync(ShortLock * 2, ReceiveWait, Ct))!;

        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(ShortLock / 2, Ct);
            await lease.RenewAsync(Ct);
        }

        Assert.True(lease.LockedUntil > DateTimeOffset.UtcNow);
        Assert.Null(await queue.ReceiveAsync(LongLock, TimeSpan.FromMilliseconds(200), Ct));
        await lease.CompleteAsync(Ct);
    }

    [Fact]
    public async Task Explicit_dead_letter_keeps_the_reason()
    {
        var queue = await CreateQueueAsync(10);
        await queue.SendAsync([new QueueMessage<T>("m-1", Sample(1))], Ct);
        var lease = (await queue.ReceiveAsync(LongLock, ReceiveWait, Ct))!;

        await lease.DeadLetterAsync("renderer crashed: out of memory", Ct);

        Assert.Null(await queue.ReceiveAsync(LongLock, TimeSpan.FromSeconds(1), Ct));
        var dead = Assert.Single(await queue.PeekDeadLettersAsync(10, Ct));
        Assert.Equal("m-1", dead.MessageId);
        Assert.Equal(Sample(1), dead.Body);
        Assert.Contains("out of memory", dead.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_is_dead_lettered_after_max_deliveries()
    {
        var queue = await CreateQueueAsync(2);
        await queue.SendAsync([new QueueMessage<T>("m-1", Sample(1))], Ct);

        for (var delivery = 1; delivery <= 2; delivery++)
        {
            var lease = (await queue.ReceiveAsync(LongLock, ReceiveWait, Ct))!;
            Assert.Equal(delivery, lease.DeliveryCount);
            await lease.AbandonAsync($"attempt {delivery} failed", Ct);
        }

        Assert.Null(await queue.ReceiveAsync(LongLock, TimeSpan.FromSeconds(1), Ct));
        var dead = Assert.Single(await queue.PeekDeadLettersAsync(10, Ct));
        Assert.Equal("m-1", dead.MessageId);
    }

    [Fact]
    public async Task Receive_returns_null_when_nothing_arrives_in_time()
    {
        var queue = await CreateQueueAsync(10);

        var started = DateTimeOffset.UtcNow;
        Assert.Null(await queue.ReceiveAsync(LongLock, TimeSpan.FromMilliseconds(300), Ct));

        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task Waiting_receiver_gets_a_message_sent_later()
    {
        var queue = await CreateQueueAsync(10);
        var receive = queue.ReceiveAsync(LongLock, ReceiveWait, Ct);

        await Task.Delay(200, Ct);
        await queue.SendAsync([new QueueMessage<T>("late", Sample(3))], Ct);

        await using var lease = await receive;
        Assert.NotNull(lease);
        Assert.Equal(Sample(3), lease.Body);
        await lease.CompleteAsync(Ct);
    }

    [Fact]
    public async Task Concurrent_receivers_share_messages_without_double_delivery()
    {
        var queue = await CreateQueueAsync(10);
        await queue.SendAsync(Enumerable.Range(0, 20).Select(i => new QueueMessage<T>($"m-{i}", Sample(i))).ToList(), Ct);
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (await queue.ReceiveAsync(LongLock, TimeSpan.FromSeconds(1), Ct) is { } lease)
            {
                seen.Add(lease.MessageId);
                await lease.CompleteAsync(Ct);
            }
        }, Ct)));

        Assert.Equal(20, seen.Count);
        Assert.Equal(20, seen.Distinct().Count());
    }
}
