using System.Runtime.InteropServices;
using EchoMimic.Core;
using EchoMimic.GpuWorker.Hosting;

// The GPU image's process (CMD dotnet /app/EchoMimic.GpuWorker.dll): configuration from the environment (exit 2
// naming a missing or invalid variable), /healthz, then the segment loops until SIGTERM/SIGINT.
WorkerSettings settings;
try
{
    settings = WorkerSettings.FromEnvironment();
}
catch (InputException e)
{
    Console.Error.WriteLine($"worker: {e.Message}");
    return 2;
}

using var stopping = new CancellationTokenSource();
// Container Apps sends SIGTERM on scale-in and waits the termination grace period: stop receiving, abandon
// the in-flight segment (its lease is disposed unsettled) and exit instead of being killed mid-render.
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine($"worker: {context.Signal}, stopping");
    stopping.Cancel();
}

using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

await using var health = new HealthEndpoint(settings.HealthPort);
try
{
    await new WorkerHost(settings, health).RunAsync(stopping.Token);
    return 0;
}
catch (InputException e)
{
    Console.Error.WriteLine($"worker: {e.Message}");
    return 2;
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    return 0;
}
catch (Exception e)
{
    // Unreachable Service Bus or storage after the SDKs' retries: exit non-zero so Container Apps restarts the replica.
    Console.Error.WriteLine($"worker: stopped by {e.GetType().Name}: {e.Message}");
    return 1;
}
