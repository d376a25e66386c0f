using Azure.Messaging.ServiceBus;

namespace EchoMimic.Infrastructure.Tests.Azure.ServiceBusDouble;

/// <summary>
/// TEST DOUBLE of <see cref="ServiceBusProcessor"/> over <see cref="InMemoryServiceBusEntity"/>, one message at a
/// time (<c>MaxConcurrentCalls</c> 1, all the worker uses). Like the SDK's processor it renews the lock in the
/// background while the handler runs, until <see cref="MaxAutoLockRenewalDuration"/> has passed since the receive,
/// completes after a successful handler when <see cref="AutoCompleteMessages"/>, and reports handler exceptions to
/// the error handler and abandons the message. The SDK renews shortly before expiry; the double renews at half the
/// remaining lock, which is earlier and therefore never loses a lock the SDK would keep.
/// </summary>
public sealed class InMemoryServiceBusProcessor : ServiceBusProcessor
{
    private readonly InMemoryServiceBusEntity entity;
    private readonly ServiceBusProcessorOptions options;
    private readonly InMemoryServiceBusReceiver receiver;
    private CancellationTokenSource? stopping;
    private Task? loop;

    public InMemoryServiceBusProcessor(InMemoryServiceBusEntity entity, ServiceBusProcessorOptions? options)
    {
        this.entity = entity;
        this.options = options ?? new ServiceBusProcessorOptions();
        if (this.options.MaxConcurrentCalls != 1 || this.options.ReceiveMode != ServiceBusReceiveMode.PeekLock)
        {
            throw new NotSupportedException("the double models one concurrent call in peek-lock mode");
        }

        receiver = new InMemoryServiceBusReceiver(entity);
    }

    /// <summary>Lock renewals done by the processor, for tests.</summary>
    public int LockRenewals { get; private set; }

    public override string EntityPath => entity.Name;

    public override bool IsProcessing => loop is { IsCompleted: false };

    public override bool AutoCompleteMessages => options.AutoCompleteMessages;

    public override TimeSpan MaxAutoLockRenewalDuration => options.MaxAutoLockRenewalDuration;

    public override int PrefetchCount => options.PrefetchCount;

    public override int MaxConcurrentCalls => options.MaxConcurrentCalls;

    public override ServiceBusReceiveMode ReceiveMode => options.ReceiveMode;

    public override Task StartProcessingAsync(CancellationToken cancellationToken = default)
    {
        if (IsProcessing)
        {
            throw new InvalidOperationException("already processing");
        }

        stopping = new CancellationTokenSource();
        loop = Task.Run(() => RunAsync(stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public override async Task StopProcessingAsync(CancellationToken cancellationToken = default)
    {
        if (stopping is null || loop is null)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        stopping.Dispose();
        (stopping, loop) = (null, null);
    }

    /// <summary>The base class's DisposeAsync calls this.</summary>
    public override Task CloseAsync(CancellationToken cancellationToken = default) => StopProcessingAsync(cancellationToken);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ServiceBusReceivedMessage? message;
            try
            {
                message = await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (message is null)
            {
                continue;
            }

            using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var renewal = RenewAsync(message, renewing.Token);
            var args = new ProcessMessageEventArgs(message, receiver, cancellationToken);
            try
            {
                await OnProcessMessageAsync(args).ConfigureAwait(false);
                if (AutoCompleteMessages)
                {
                    await receiver.CompleteMessageAsync(message, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                await OnProcessErrorAsync(new ProcessErrorEventArgs(e, ServiceBusErrorSource.ProcessMessageCallback, "in-memory",
                    entity.Name, Identifier, cancellationToken)).ConfigureAwait(false);
                try
                {
                    await receiver.AbandonMessageAsync(message, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                }
                catch (ServiceBusException lost) when (lost.Reason == ServiceBusFailureReason.MessageLockLost)
                {
                    // Settled by the handler already, or the lock lapsed: nothing to give back.
                }
            }
            finally
            {
                await renewing.CancelAsync().ConfigureAwait(false);
                await renewal.ConfigureAwait(false);
            }
        }
    }

    private async Task RenewAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken)
    {
        var until = DateTimeOffset.UtcNow + MaxAutoLockRenewalDuration;
        try
        {
            while (DateTimeOffset.UtcNow < until)
            {
                var wait = (message.LockedUntil - DateTimeOffset.UtcNow) / 2;
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                if (DateTimeOffset.UtcNow >= until)
                {
                    return;
                }

                await receiver.RenewMessageLockAsync(message, cancellationToken).ConfigureAwait(false);
                LockRenewals++;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ServiceBusException e) when (e.Reason == ServiceBusFailureReason.MessageLockLost)
        {
            // The SDK logs and stops renewing; the handler finds out when it settles.
        }
    }
}
