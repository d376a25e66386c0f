namespace EchoMimic.Core.Ports;

/// <summary>
/// Keeps a peek-lock alive while its message is being worked on: renews it every <c>interval</c> on the given clock until
/// <c>stop</c> is canceled. The receive loops of the worker and of the result forwarder share it. A renewal already in
/// flight is cut off only by <c>renewalCancellation</c>, not by <c>stop</c>: on Storage queues a renewal returns the new
/// pop receipt that settling needs, so a caller that settles right after stopping passes its shutdown token there.
/// </summary>
public static class LeaseRenewal
{
    /// <param name="onLockLost">Runs when the broker says the lock is gone (e.g. cancel the work); the loop ends.</param>
    public static async Task KeepAsync<T>(IMessageLease<T> lease, TimeSpan interval, TimeProvider time, CancellationToken stop,
        CancellationToken renewalCancellation, Func<Task>? onLockLost = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(time);
        try
        {
            while (true)
            {
                await Task.Delay(interval, time, stop).ConfigureAwait(false);
                await lease.RenewAsync(renewalCancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (MessageLockLostException)
        {
            if (onLockLost is not null)
            {
                await onLockLost().ConfigureAwait(false);
            }
        }
    }
}
