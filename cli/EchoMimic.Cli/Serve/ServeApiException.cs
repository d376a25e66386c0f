namespace EchoMimic.Cli.Serve;

/// <summary>The API answered with a server-side failure (5xx, or an unexpected status): not the user's input.</summary>
public sealed class ServeApiException(string message) : Exception(message);
