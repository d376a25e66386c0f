using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;

namespace EchoMimic.Orchestration.Tests.Support;

/// <summary>Delivers every message twice, as an at-least-once broker may.</summary>
internal class DuplicatingQueue<T>(IMessageQueue<T> inner) : IMessageQueue<T>
    where T : class
{
    public int MaxDeliveryCount => inner.MaxDeliveryCount;

    /// <summary>While false, messages pass through once (for a same-plane comparison run).</summary>
    public bool Enabled { get; set; } = true;

    public Task SendAsync(IReadOnlyList<QueueMessage<T>> messages, CancellationToken cancellationToken) =>
        inner.SendAsync(Enabled ? messages.Concat(messages).ToList() : messages, cancellationToken);

    public Task<IMessageLease<T>?> ReceiveAsync(TimeSpan lockDuration, TimeSpan maxWait, CancellationToken cancellationToken) =>
        inner.ReceiveAsync(lockDuration, maxWait, cancellationToken);

    public Task<IReadOnlyList<DeadLetter<T>>> PeekDeadLettersAsync(int maxCount, CancellationToken cancellationToken) =>
        inner.PeekDeadLettersAsync(maxCount, cancellationToken);
}

internal sealed class DuplicatingSegmentQueue(ISegmentQueue inner) : DuplicatingQueue<SegmentTask>(inner), ISegmentQueue;

internal sealed class DuplicatingResultQueue(IResultQueue inner) : DuplicatingQueue<SegmentResult>(inner), IResultQueue;
