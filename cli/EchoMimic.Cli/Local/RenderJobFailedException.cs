namespace EchoMimic.Cli.Local;

/// <summary>The render job ended without a video (a segment or the stitch failed): the CLI prints the reason, exit code 1.</summary>
public sealed class RenderJobFailedException(string message) : Exception(message);
