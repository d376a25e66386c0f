namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// Thrown by a segment handler for a failure that no retry can fix (bad inputs, a task the engine cannot render):
/// the processor dead-letters the task at once with this reason instead of abandoning it.
/// </summary>
public sealed class PermanentSegmentFailureException(string reason, Exception? inner = null) : Exception(reason, inner);
