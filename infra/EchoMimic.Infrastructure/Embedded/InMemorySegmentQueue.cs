using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Embedded;

public sealed class InMemorySegmentQueue(int maxDeliveryCount = 10, TimeProvider? timeProvider = null)
    : InMemoryMessageQueue<SegmentTask>(maxDeliveryCount, timeProvider), ISegmentQueue;
