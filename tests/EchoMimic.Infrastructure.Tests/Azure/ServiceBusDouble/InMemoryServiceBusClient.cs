using Azure.Messaging.ServiceBus;

namespace EchoMimic.Infrastructure.Tests.Azure.ServiceBusDouble;

/// <summary>TEST DOUBLE of <see cref="ServiceBusClient"/>: senders, receivers and processors on in-memory queues.</summary>
public sealed class InMemoryServiceBusClient(params InMemoryServiceBusEntity[] queues) : ServiceBusClient
{
    private bool closed;

    public override string FullyQualifiedNamespace => "in-memory.servicebus.windows.net";

    public override bool IsClosed => closed;

    public override ServiceBusSender CreateSender(string queueOrTopicName) => new InMemoryServiceBusSender(Queue(queueOrTopicName));

    public override ServiceBusSender CreateSender(string queueOrTopicName, ServiceBusSenderOptions options) =>
        CreateSender(queueOrTopicName);

    public override ServiceBusReceiver CreateReceiver(string queueName) => new InMemoryServiceBusReceiver(Queue(queueName));

    public override ServiceBusReceiver CreateReceiver(string queueName, ServiceBusReceiverOptions options) =>
        new InMemoryServiceBusReceiver(Queue(queueName), options);

    public override ServiceBusProcessor CreateProcessor(string queueName) => CreateProcessor(queueName, new ServiceBusProcessorOptions());

    public override ServiceBusProcessor CreateProcessor(string queueName, ServiceBusProcessorOptions options) =>
        new InMemoryServiceBusProcessor(Queue(queueName), options);

    public override ValueTask DisposeAsync()
    {
        closed = true;
        return ValueTask.CompletedTask;
    }

    private InMemoryServiceBusEntity Queue(string name) =>
        queues.SingleOrDefault(q => q.Name == name)
        ?? throw new ServiceBusException($"The messaging entity '{name}' could not be found.",
            ServiceBusFailureReason.MessagingEntityNotFound, name);
}
