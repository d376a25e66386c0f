namespace EchoMimic.Core.Ports;

/// <summary>
/// A message to send. <paramref name="MessageId"/> is deterministic (job:segment:attempt for segment tasks) so a
/// broker with duplicate detection drops a re-sent copy; adapters without it deliver both, which handlers tolerate.
/// </summary>
public sealed record QueueMessage<T>(string MessageId, T Body)
    where T : class;
