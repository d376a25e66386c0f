using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.DurableTask;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.DurableTask.Client;

namespace EchoMimic.Cli.Serve;

/// <summary>
/// The shared <see cref="JobStarter"/> (the Functions app's too) bound to serve's one Durable Task client, for the
/// upload watcher and the HTTP API: exactly-once starts by job index and instance id.
/// </summary>
public sealed class ServeJobStarter(DurableTaskClient client, IJobIndex index, RenderJobOptions options, TimeProvider time)
{
    private readonly JobStarter starter = new(index, options, time);
    private readonly DurableClientStarter orchestrations = new(client);

    public RenderJobOptions Options => starter.Options;

    public async Task<(string Id, bool Started)> StartJobAsync(string jobId, RenderJobSpec spec, CancellationToken cancellationToken)
    {
        var result = await starter.StartJobAsync(orchestrations, jobId, spec, cancellationToken).ConfigureAwait(false);
        return (result.Id, result.Started);
    }

    public async Task<(string Id, bool Started)> StartAsync(JobStart start, CancellationToken cancellationToken)
    {
        var result = await starter.StartAsync(orchestrations, start, cancellationToken).ConfigureAwait(false);
        return (result.Id, result.Started);
    }
}
