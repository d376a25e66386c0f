namespace EchoMimic.Core.Ports;

public enum JobStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Canceled,
}
