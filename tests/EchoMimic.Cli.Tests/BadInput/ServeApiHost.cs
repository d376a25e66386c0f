using EchoMimic.Cli.Serve;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using NSubstitute;

namespace EchoMimic.Cli.Tests.BadInput;

/// <summary>
/// serve's HTTP API (<see cref="ServeApi"/>, the routes and intake `echomimic serve` maps) on a real Kestrel
/// listener on 127.0.0.1, over an in-memory job index and a recording Durable Task client: what a rejected request
/// would have started shows up as a scheduled orchestration or an index record.
/// </summary>
internal sealed class ServeApiHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private ServeApiHost(WebApplication app, DurableTaskClient client, InMemoryJobIndex index)
    {
        this.app = app;
        Client = client;
        Index = index;
    }

    public DurableTaskClient Client { get; }

    public InMemoryJobIndex Index { get; }

    public Uri Address => new(app.Urls.First());

    public static async Task<ServeApiHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var client = Substitute.For<DurableTaskClient>("bad-input");
        var index = new InMemoryJobIndex();
        ServeApi.Map(app, client, index, new ServeJobStarter(client, index, RenderJobOptions.Default, TimeProvider.System));
        await app.StartAsync();
        return new ServeApiHost(app, client, index);
    }

    /// <summary>Orchestrations started plus jobs indexed: unchanged across a rejected request.</summary>
    public async Task<int> StartedAsync()
    {
        var count = Client.ReceivedCalls().Count(c => c.GetMethodInfo().Name == nameof(DurableTaskClient.ScheduleNewOrchestrationInstanceAsync));
        await foreach (var _ in Index.ListAsync(null, 100_000, CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
