using System.Runtime.InteropServices;

namespace EchoMimic.Cli.Serve;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM (docker stop, systemd, <c>kill</c>) as a cancellation token. Registered directly with
/// <see cref="PosixSignalRegistration"/> because the embedded hosts' console lifetimes and System.CommandLine's own
/// termination handling also listen, and serve used to keep running after Ctrl+C (docs/serve.md, measured on
/// 2026-11-29): our handler cancels the default termination and lets the command dispose everything in order.
/// </summary>
public sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource requested;
    private readonly PosixSignalRegistration[] registrations;

    public ShutdownSignal(CancellationToken alsoOn = default)
    {
        requested = CancellationTokenSource.CreateLinkedTokenSource(alsoOn);
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];
    }

    public CancellationToken Token => requested.Token;

    /// <summary>The signal that asked us to stop, if one did.</summary>
    public PosixSignal? Received { get; private set; }

    /// <summary>Asks for the same orderly stop a signal would (e.g. a worker's parent went away).</summary>
    public void Request() => Cancel();

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        requested.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        // Keep the process alive: the command stops in order and returns its exit code itself.
        context.Cancel = true;
        Received ??= context.Signal;
        Cancel();
    }

    private void Cancel()
    {
        // Off the signal thread: cancellation callbacks run the stop sequence's first steps synchronously.
        ThreadPool.QueueUserWorkItem(static source =>
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }, requested, preferLocal: false);
    }
}
