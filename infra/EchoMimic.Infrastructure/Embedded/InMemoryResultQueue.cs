using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Embedded;

public sealed class InMemoryResultQueue(int maxDeliveryCount = 10, TimeProvider? timeProvider = null)
    : InMemoryMessageQueue<SegmentResult>(maxDeliveryCount, timeProvider), IResultQueue;
