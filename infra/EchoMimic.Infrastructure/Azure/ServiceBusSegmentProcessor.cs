using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using EchoMimic.Core;
using EchoMimic.Core.Messages;
using Microsoft.Extensions.Logging;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// The GPU worker's consumer of the Service Bus segment queue. One segment at a time per replica (one GPU),
/// prefetch 0 (an idle replica must not hold tasks others could render), manual settlement, and automatic lock
/// renewal for up to <see cref="ServiceBusSegmentProcessorOptions.MaxLockRenewal"/>, which must exceed the slowest
/// segment: a Service Bus lock lasts at most 5 minutes and each expiry counts as a delivery. Outcomes:
/// handler success → complete; transient failure → abandon (redelivered, delivery count + 1); permanent failure
/// (<see cref="PermanentSegmentFailureException"/>, <see cref="InputException"/>), or a transient one on the last
/// allowed delivery → dead-letter with the reason. The handler must be idempotent (a redelivered task whose clip
/// exists re-reports it).
/// </summary>
public sealed class ServiceBusSegmentProcessor : IAsyncDisposable
{
    private readonly ServiceBusProcessor? processor;
    private readonly Func<SegmentTask, int, CancellationToken, Task> handler;
    private readonly ServiceBusSegmentProcessorOptions options;
    private readonly ILogger logger;

    public ServiceBusSegmentProcessor(ServiceBusClient client, string queueName, ServiceBusSegmentProcessorOptions options,
        Func<SegmentTask, int, CancellationToken, Task> handler, ILogger logger)
        : this(options, handler, logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        processor = client.CreateProcessor(queueName, CreateProcessorOptions(options));
        processor.ProcessMessageAsync += HandleAsync;
        processor.ProcessErrorAsync += args =>
        {
            logger.LogWarning(args.Exception, "segment queue {Source} error", args.ErrorSource);
            return Task.CompletedTask;
        };
    }

    /// <summary>For tests: no processor; messages are fed to <see cref="HandleAsync"/>.</summary>
    public ServiceBusSegmentProcessor(ServiceBusSegmentProcessorOptions options,
        Func<SegmentTask, int, CancellationToken, Task> handler, ILogger logger)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.handler = handler ?? throw new ArgumentNullException(nameof(handler));
        this.logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    public static ServiceBusProcessorOptions CreateProcessorOptions(ServiceBusSegmentProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = false,
            MaxConcurrentCalls = 1,
            PrefetchCount = options.PrefetchCount,
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            MaxAutoLockRenewalDuration = options.MaxLockRenewal,
        };
    }

    public Task StartAsync(CancellationToken cancellationToken) =>
        (processor ?? throw new InvalidOperationException("no processor")).StartProcessingAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) =>
        processor?.StopProcessingAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Handles one delivery: parse, render (the handler), settle. Public so broker behaviour can be tested.</summary>
    public async Task HandleAsync(ProcessMessageEventArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var message = args.Message;
        if (!ServiceBusSegmentQueue.TryReadBody(message, out var task, out var problem))
        {
            await SettleAsync(() => args.DeadLetterMessageAsync(message, "unreadable segment task", problem, args.CancellationToken),
                message, "dead-letter").ConfigureAwait(false);
            SegmentTelemetry.DeadLetters.Add(1);
            return;
        }

        using var span = SegmentTelemetry.StartSegmentRender(message, task);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await handler(task, message.DeliveryCount, args.CancellationToken).ConfigureAwait(false);
            SegmentTelemetry.RecordRenderCost(task, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (e is PermanentSegmentFailureException or InputException
            || (!args.CancellationToken.IsCancellationRequested && message.DeliveryCount >= options.MaxDeliveryCount))
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            var reason = e is PermanentSegmentFailureException or InputException
                ? e.Message
                : $"failed on delivery {message.DeliveryCount} of {options.MaxDeliveryCount}: {e.Message}";
            logger.LogError(e, "segment {MessageId} dead-lettered: {Reason}", message.MessageId, reason);
            await SettleAsync(() => args.DeadLetterMessageAsync(message, "segment failed", reason, args.CancellationToken),
                message, "dead-letter").ConfigureAwait(false);
            SegmentTelemetry.DeadLetters.Add(1);
            return;
        }
        catch (Exception e)
        {
            // Transient (GPU fault, storage hiccup, shutdown): give the task back now rather than when the lock lapses.
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            logger.LogWarning(e, "segment {MessageId} abandoned after delivery {Delivery}", message.MessageId, message.DeliveryCount);
            await SettleAsync(() => args.AbandonMessageAsync(message,
                new Dictionary<string, object> { ["lastFailure"] = e.Message }, CancellationToken.None),
                message, "abandon").ConfigureAwait(false);
            return;
        }

        await SettleAsync(() => args.CompleteMessageAsync(message, args.CancellationToken), message, "complete")
            .ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (processor is not null)
        {
            await processor.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task SettleAsync(Func<Task> settle, ServiceBusReceivedMessage message, string action)
    {
        try
        {
            await settle().ConfigureAwait(false);
        }
        catch (ServiceBusException e) when (ServiceBusSegmentQueue.IsLockLost(e))
        {
            // The lock lapsed (renewal failed or the duration ran out): the broker redelivers the task, and the
            // handler's idempotency (clip already committed → re-report) makes the second delivery cheap.
            logger.LogWarning("segment {MessageId}: lock lost before {Action}; the broker will redeliver it", message.MessageId, action);
        }
    }
}
