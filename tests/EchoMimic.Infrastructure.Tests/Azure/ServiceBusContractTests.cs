using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Tests.Azure.ServiceBusDouble;
using EchoMimic.Infrastructure.Tests.Contracts;

namespace EchoMimic.Infrastructure.Tests.Azure;

/// <summary>
/// The broker-independent queue contract on <see cref="ServiceBusSegmentQueue"/>, over the in-memory broker double
/// (<see cref="InMemoryServiceBusEntity"/>; no Service Bus emulator runs here). Service Bus locks for the queue's
/// lock duration, whatever the receive asks for, so the double's queue locks for <see cref="ShortLock"/> and the
/// tests that ask for <see cref="MessageQueueContract{T}.LongLock"/> hold their locks for well under it.
/// </summary>
public sealed class ServiceBusSegmentQueueContractTests : MessageQueueContract<SegmentTask>
{
    protected override TimeSpan ShortLock => TimeSpan.FromSeconds(3);

    protected override Task<IMessageQueue<SegmentTask>> CreateQueueAsync(int maxDeliveryCount)
    {
        var entity = new InMemoryServiceBusEntity("segments", ShortLock, maxDeliveryCount, TimeSpan.FromHours(2));
        return Task.FromResult<IMessageQueue<SegmentTask>>(
            new ServiceBusSegmentQueue(new InMemoryServiceBusClient(entity), "segments", maxDeliveryCount));
    }

    protected override SegmentTask Sample(int n) => ContractSamples.Task(n);
}
