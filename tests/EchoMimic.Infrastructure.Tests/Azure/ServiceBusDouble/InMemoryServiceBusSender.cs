using System.Runtime.CompilerServices;
using Azure.Messaging.ServiceBus;

namespace EchoMimic.Infrastructure.Tests.Azure.ServiceBusDouble;

/// <summary>
/// TEST DOUBLE of <see cref="ServiceBusSender"/> over <see cref="InMemoryServiceBusEntity"/>. Batches are
/// <see cref="ServiceBusModelFactory.ServiceBusMessageBatch"/>es that refuse a message once the estimated size would
/// pass the limit (body + properties + a fixed envelope estimate; the real AMQP encoding differs by some bytes).
/// </summary>
public sealed class InMemoryServiceBusSender(InMemoryServiceBusEntity entity) : ServiceBusSender
{
    /// <summary>Rough AMQP header/annotation overhead per message.</summary>
    private const int EnvelopeBytes = 200;

    private readonly ConditionalWeakTable<ServiceBusMessageBatch, List<ServiceBusMessage>> batches = [];
    private bool closed;

    /// <summary>Batches sent, for tests that check batching.</summary>
    public int BatchesSent { get; private set; }

    public override string EntityPath => entity.Name;

    public override bool IsClosed => closed;

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
        CreateMessageBatchAsync(new CreateMessageBatchOptions(), cancellationToken);

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CreateMessageBatchOptions options,
        CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        var limit = Math.Min(options?.MaxSizeInBytes ?? InMemoryServiceBusEntity.MaxMessageSizeInBytes,
            InMemoryServiceBusEntity.MaxMessageSizeInBytes);
        var store = new List<ServiceBusMessage>();
        long size = 0;
        var batch = ServiceBusModelFactory.ServiceBusMessageBatch(limit, store, options, message =>
        {
            var bytes = SizeOf(message);
            if (size + bytes > limit)
            {
                return false;
            }

            size += bytes;
            return true;
        });
        batches.Add(batch, store);
        return ValueTask.FromResult(batch);
    }

    public override Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageBatch);
        EnsureOpen();
        if (!batches.TryGetValue(messageBatch, out var messages))
        {
            throw new ArgumentException("batch was not created by this sender", nameof(messageBatch));
        }

        entity.Enqueue(messages);
        BatchesSent++;
        return Task.CompletedTask;
    }

    public override Task SendMessagesAsync(IEnumerable<ServiceBusMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        EnsureOpen();
        var list = messages.ToList();
        if (list.Sum(SizeOf) > InMemoryServiceBusEntity.MaxMessageSizeInBytes)
        {
            throw new ServiceBusException("messages exceed the maximum size", ServiceBusFailureReason.MessageSizeExceeded, entity.Name);
        }

        entity.Enqueue(list);
        BatchesSent++;
        return Task.CompletedTask;
    }

    public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default) =>
        SendMessagesAsync([message], cancellationToken);

    public override Task CloseAsync(CancellationToken cancellationToken = default)
    {
        closed = true;
        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        closed = true;
        return ValueTask.CompletedTask;
    }

    private static long SizeOf(ServiceBusMessage message) =>
        EnvelopeBytes + message.Body.ToMemory().Length + (message.MessageId?.Length ?? 0)
        + message.ApplicationProperties.Sum(p => p.Key.Length + (p.Value?.ToString()?.Length ?? 0));

    private void EnsureOpen() => ObjectDisposedException.ThrowIf(closed, this);
}
