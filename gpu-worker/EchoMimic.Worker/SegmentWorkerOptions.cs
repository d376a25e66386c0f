namespace EchoMimic.Worker;

/// <summary>
/// How a worker holds its tasks. The lock is renewed every third of its duration so one missed renewal does not lose
/// it; 5 minutes is the Service Bus maximum lock (renewal keeps it for as long as the segment takes).
/// </summary>
public sealed record SegmentWorkerOptions(string WorkerId)
{
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan ReceiveWait { get; init; } = TimeSpan.FromSeconds(5);

    public string ScratchRoot { get; init; } = Path.Combine(Path.GetTempPath(), "echomimic-worker");

    public TimeSpan RenewInterval => LockDuration / 3;
}
