using EchoMimic.Core.Ports;

namespace EchoMimic.Orchestration.Activities;

public sealed record PrepareResult(PreparedJob? Prepared, string? InputError);
