namespace EchoMimic.Orchestration.Api;

// The HTTP API's bodies live here, next to the records they carry, so the Functions app and `echomimic serve`
// (and the CLI client) share one contract instead of mirroring it field for field.

/// <summary>POST /jobs and POST /campaigns: the id that owns the submission and where to poll it.</summary>
public sealed record SubmitResponse(string Id, bool Created, string StatusUrl);
