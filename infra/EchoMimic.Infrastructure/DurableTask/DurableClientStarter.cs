using EchoMimic.Core.Ports;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace EchoMimic.Infrastructure.DurableTask;

/// <summary><see cref="IOrchestrationStarter"/> over a Durable Task client (Functions' [DurableClient], serve's gRPC client).</summary>
public sealed class DurableClientStarter(DurableTaskClient client) : IOrchestrationStarter
{
    public async Task<bool> ExistsAsync(string instanceId, CancellationToken cancellationToken) =>
        await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false) is not null;

    public async Task<bool> TryStartAsync(string orchestrator, string instanceId, object input, CancellationToken cancellationToken)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (InvalidOperationException e) when (e.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            // The Functions extension's client reports an existing instance this way.
            return false;
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.AlreadyExists)
        {
            // The gRPC sidecar (serve, the in-memory host) reports it as a status code.
            return false;
        }
    }
}
