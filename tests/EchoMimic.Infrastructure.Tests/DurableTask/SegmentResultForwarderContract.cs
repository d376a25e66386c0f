using System.Diagnostics;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.DurableTask;
using Microsoft.DurableTask.Client;
using NSubstitute;

namespace EchoMimic.Infrastructure.Tests.DurableTask;

/// <summary>
/// The forwarder's short, renewed lock on a results queue (subclassed per adapter): a result held by a forwarder that
/// died is forwarded again within the short lock (not a minute), a slow raise keeps its message from a second
/// forwarder, and a failed raise leaves the message for redelivery without stopping the loop. The Durable Task client
/// is a substitute that counts raised events.
/// </summary>
public abstract class SegmentResultForwarderContract
{
    private const string JobId = "job-f";
    private readonly DurableTaskClient client = Substitute.For<DurableTaskClient>("test");
    private IResultQueue? queue;
    private int raised;

    protected SegmentResultForwarderContract() =>
        client.GetInstanceAsync(JobId, Arg.Any<CancellationToken>())
            .Returns(new OrchestrationMetadata("RenderJobOrchestrator", JobId) { RuntimeStatus = OrchestrationRuntimeStatus.Running });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IResultQueue Queue => queue ??= CreateQueue();

    protected abstract IResultQueue CreateQueue();

    [Fact]
    public async Task Result_held_by_a_crashed_forwarder_is_forwarded_again_after_the_short_lock()
    {
        RaiseTakes(TimeSpan.Zero);
        await SendResultAsync();
        // A forwarder took the message and died (kill -9): the lease is never settled nor abandoned.
        var held = await Queue.ReceiveAsync(SegmentResultForwarder.DefaultLockDuration, TimeSpan.FromSeconds(1), Ct);
        Assert.NotNull(held);
        var clock = Stopwatch.StartNew();

        await RunForwardersAsync(1, lockDuration: null, until: () => raised == 1, TimeSpan.FromSeconds(40));

        Assert.Equal(1, raised);
        Assert.InRange(clock.Elapsed, SegmentResultForwarder.DefaultLockDuration - TimeSpan.FromSeconds(1),
            SegmentResultForwarder.DefaultLockDuration + TimeSpan.FromSeconds(8));
        Assert.True(SegmentResultForwarder.DefaultLockDuration <= TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Slow_raise_renews_its_lock_so_a_second_forwarder_does_not_forward_it_again()
    {
        RaiseTakes(TimeSpan.FromSeconds(3.5)); // 3.5 locks of 1 s
        await SendResultAsync();

        await RunForwardersAsync(2, TimeSpan.FromSeconds(1), until: () => raised == 1, TimeSpan.FromSeconds(30),
            settle: TimeSpan.FromSeconds(2));

        Assert.Equal(1, raised);
        await AssertSettledAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Failed_raise_leaves_the_result_for_redelivery_and_the_forwarder_keeps_running()
    {
        var calls = 0;
        client.RaiseEventAsync(JobId, "segment-3", Arg.Any<object?>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("backend unavailable");
            }

            Interlocked.Increment(ref raised);
            return Task.CompletedTask;
        });
        await SendResultAsync();

        await RunForwardersAsync(1, TimeSpan.FromSeconds(1), until: () => raised == 1, TimeSpan.FromSeconds(20));

        Assert.Equal(2, calls);
        Assert.Equal(1, raised);
        await AssertSettledAsync(TimeSpan.FromSeconds(1));
    }

    private void RaiseTakes(TimeSpan duration) =>
        client.RaiseEventAsync(JobId, "segment-3", Arg.Any<object?>(), Arg.Any<CancellationToken>()).Returns(async _ =>
        {
            await Task.Delay(duration, CancellationToken.None);
            Interlocked.Increment(ref raised);
        });

    private async Task SendResultAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var result = new SegmentResult(JobId, 3, 1, SegmentOutcome.Succeeded, "worker-1", now, now, "work/job-f/segments/0003.mp4");
        await Queue.SendAsync([new QueueMessage<SegmentResult>(result.MessageId, result)], Ct);
    }

    private async Task RunForwardersAsync(int count, TimeSpan? lockDuration, Func<bool> until, TimeSpan timeout, TimeSpan? settle = null)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var loops = Enumerable.Range(0, count)
            .Select(_ => Task.Run(() => new SegmentResultForwarder(Queue, client, lockDuration).RunAsync(stop.Token), CancellationToken.None))
            .ToList();
        var deadline = Stopwatch.StartNew();
        while (!until() && deadline.Elapsed < timeout)
        {
            await Task.Delay(50, Ct);
        }

        if (settle is { } extra)
        {
            await Task.Delay(extra, Ct); // time for a wrongly redelivered message to be raised again
        }

        await stop.CancelAsync();
        await Task.WhenAll(loops); // a loop that died of an exception fails the test here
        Assert.True(until(), $"not reached within {timeout}: {raised} raised");
    }

    /// <summary>The result was completed: nothing comes back once any lock it could still hold has expired.</summary>
    private async Task AssertSettledAsync(TimeSpan lockDuration) =>
        Assert.Null(await Queue.ReceiveAsync(lockDuration, lockDuration + TimeSpan.FromSeconds(1.5), Ct));
}
