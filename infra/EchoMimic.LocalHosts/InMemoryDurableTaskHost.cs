using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EchoMimic.LocalHosts;

/// <summary>
/// The laptop runtime's orchestration engine: Durable Task's in-memory backend in this process
/// (Microsoft.DurableTask.InProcessTestHost, a gRPC sidecar on a loopback port). Nothing survives the process; the
/// orchestrator classes are the same ones the Azurite and Azure hosts run. Measured here: starts in ~0.35 s and runs
/// at most ProcessorCount activities at once, so long work goes through the segment queue, not activities.
/// </summary>
public sealed class InMemoryDurableTaskHost : IAsyncDisposable
{
    private readonly DurableTaskTestHost host;

    private InMemoryDurableTaskHost(DurableTaskTestHost host) => this.host = host;

    public DurableTaskClient Client => host.Client;

    public IServiceProvider Services => host.Services;

    /// <param name="register">Adds orchestrators and activities (e.g. <c>AddEchoMimicOrchestrations</c>).</param>
    /// <param name="services">Registers the ports the activities need.</param>
    /// <param name="loggerFactory">Where the host's own logs go (the CLI passes a quiet one); null keeps the package's default.</param>
    public static async Task<InMemoryDurableTaskHost> StartAsync(Action<DurableTaskRegistry> register,
        Action<IServiceCollection> services, CancellationToken cancellationToken = default, ILoggerFactory? loggerFactory = null)
    {
        var options = new DurableTaskTestHostOptions { ConfigureServices = services };
        if (loggerFactory is not null)
        {
            options.LoggerFactory = loggerFactory;
        }

        var host = await DurableTaskTestHost.StartAsync(register, options, cancellationToken).ConfigureAwait(false);
        return new InMemoryDurableTaskHost(host);
    }

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
