namespace EchoMimic.Orchestration.Api;

/// <summary>Every 4xx body: the input at fault and what is wrong with it.</summary>
public sealed record ErrorResponse(string Error, string? Input = null);
