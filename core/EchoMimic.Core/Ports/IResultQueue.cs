using EchoMimic.Core.Messages;

namespace EchoMimic.Core.Ports;

/// <summary>
/// Segment results from workers back to the control plane (a Storage Queue in Azure, whose trigger raises the
/// <c>segment-k</c> event on the orchestration).
/// </summary>
public interface IResultQueue : IMessageQueue<SegmentResult>;
