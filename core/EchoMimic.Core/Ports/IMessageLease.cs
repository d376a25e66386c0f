namespace EchoMimic.Core.Ports;

/// <summary>
/// A received, locked message. Exactly one of <see cref="CompleteAsync"/>, <see cref="AbandonAsync"/> or
/// <see cref="DeadLetterAsync"/> settles it; disposing an unsettled lease abandons it. Settling after the lock was
/// lost throws <see cref="MessageLockLostException"/> (the message has gone, or will go, to another receiver).
/// </summary>
public interface IMessageLease<T> : IAsyncDisposable
    where T : class
{
    string MessageId { get; }

    T Body { get; }

    /// <summary>1 on first delivery, +1 per abandon or lock expiry.</summary>
    int DeliveryCount { get; }

    DateTimeOffset LockedUntil { get; }

    /// <summary>Extends the lock by the receive's lock duration from now.</summary>
    Task RenewAsync(CancellationToken cancellationToken);

    Task CompleteAsync(CancellationToken cancellationToken);

    Task AbandonAsync(string reason, CancellationToken cancellationToken);

    Task DeadLetterAsync(string reason, CancellationToken cancellationToken);
}
