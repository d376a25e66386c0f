namespace EchoMimic.Core.Ports;

/// <summary>
/// The part of an orchestration client that intake needs: does an instance exist, start one under a given id.
/// Adapter: infra/EchoMimic.Infrastructure/DurableTask/DurableClientStarter.cs (any Durable Task client: Functions,
/// the local stack, the in-memory host).
/// </summary>
public interface IOrchestrationStarter
{
    Task<bool> ExistsAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Schedules the instance; false when the backend already has one with this id (a concurrent start won).</summary>
    Task<bool> TryStartAsync(string orchestrator, string instanceId, object input, CancellationToken cancellationToken);
}
