using System.Threading.Channels;
using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.Azure;
using Microsoft.Extensions.Time.Testing;

namespace EchoMimic.Infrastructure.Tests.Azure;

/// <summary>
/// How a Storage queue receiver spends its waiting time, on Azurite with a fake clock: a waiting message is taken
/// with no wait at all, and an empty queue is polled after doubling waits (50 ms up to 1 s) until maxWait is spent.
/// The clock only moves when the test moves it, so every wait the receiver asks for is seen and its length checked.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageQueuePollingTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_waiting_message_is_taken_without_waiting_on_the_clock()
    {
        var clock = new RecordingClock();
        var queue = new AzureStorageMessageQueue<AzureStorageAdapterTests.Payload>(azurite.Queues, AzuriteFixture.UniqueName("q"), timeProvider: clock);
        await queue.SendAsync([new QueueMessage<AzureStorageAdapterTests.Payload>("m-1", new AzureStorageAdapterTests.Payload("x"))], Token);

        // The fake clock never moves: any wait before taking the message would never end (the guard fails the test).
        await using var lease = await queue.ReceiveAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), Token).WaitAsync(Guard, Token);

        Assert.NotNull(lease);
        Assert.Equal("x", lease.Body.Text);
        Assert.Equal(0, clock.Waits.Reader.Count);
    }

    [Fact]
    public async Task An_empty_queue_is_polled_after_doubling_waits_until_max_wait()
    {
        var clock = new RecordingClock();
        var queue = new AzureStorageMessageQueue<AzureStorageAdapterTests.Payload>(azurite.Queues, AzuriteFixture.UniqueName("q"), timeProvider: clock);
        await queue.SendAsync([new QueueMessage<AzureStorageAdapterTests.Payload>("m-1", new AzureStorageAdapterTests.Payload("x"))], Token);
        await using (var first = await queue.ReceiveAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), Token).WaitAsync(Guard, Token))
        {
            await first!.CompleteAsync(Token);
        }

        var receive = queue.ReceiveAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(3), Token);
        var waits = new List<double>();
        while (true)
        {
            var next = clock.Waits.Reader.ReadAsync(Token).AsTask();
            if (await Task.WhenAny(next, receive).WaitAsync(Guard, Token) == receive)
            {
                break;
            }

            var wait = await next;
            waits.Add(wait.TotalMilliseconds);
            clock.Advance(wait);
        }

        Assert.Null(await receive);
        // 50 + 100 + 200 + 400 + 800 + 1000 = 2550 ms of waits, then the 450 ms left of the 3 s.
        Assert.Equal([50, 100, 200, 400, 800, 1000, 450], waits);
    }

    /// <summary>A fake clock that reports the length of every timer a receiver starts on it.</summary>
    private sealed class RecordingClock : FakeTimeProvider
    {
        public Channel<TimeSpan> Waits { get; } = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Waits.Writer.TryWrite(dueTime);
            }

            return timer;
        }
    }
}
