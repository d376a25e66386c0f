using EchoMimic.Core.Messages;

namespace EchoMimic.Core.Ports;

/// <summary>Segment tasks from the DispatchSegment activity to GPU workers (Service Bus in Azure).</summary>
public interface ISegmentQueue : IMessageQueue<SegmentTask>;
