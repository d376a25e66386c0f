using System.Diagnostics;
using System.Globalization;

namespace EchoMimic.Cli.Serve;

/// <summary>
/// One <c>echomimic worker --attached</c> child process of serve, kept alive: started with a stable id, its output
/// forwarded line by line with the id and pid, restarted with a growing pause when it dies unexpectedly (a crash, an
/// out-of-memory kill, <c>kill -9</c>), and stopped by closing its standard input, which makes it give its segment back
/// and exit. Its segment needs no rescue: the lease expires and another worker renders it (clips are first-writer-wins).
/// Exit code 0 (it was asked to stop by a signal, e.g. Ctrl+C reaching the whole process group) and 2 (bad options:
/// a restart would fail the same way) are not restarted.
/// </summary>
public sealed class SupervisedWorker(string workerId, WorkerLaunch launch, IReadOnlyList<string> arguments, Action<string> output)
{
    /// <summary>How long a stopping worker may take to give its segment back before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HealthyRun = TimeSpan.FromMinutes(1);

    public string WorkerId => workerId;

    /// <summary>Pid of the running process, if one runs.</summary>
    public int? ProcessId { get; private set; }

    /// <summary>Processes started so far (1 + restarts).</summary>
    public int Starts { get; private set; }

    /// <summary>Runs the worker process, restarting it, until <paramref name="stop"/>; then stops it in order.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var pause = FirstPause;
        while (!stop.IsCancellationRequested)
        {
            using var process = new Process { StartInfo = launch.StartInfo(arguments) };
            var started = Stopwatch.StartNew();
            try
            {
                process.Start();
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                // No dotnet host or no echomimic.dll: nothing a restart would change.
                output($"worker {workerId} could not start ({launch.FileName}): {e.Message}");
                return;
            }

            var pid = process.Id;
            ProcessId = pid;
            Starts++;
            var prefix = string.Create(CultureInfo.InvariantCulture, $"[{workerId} pid {pid}] ");
            process.OutputDataReceived += (_, e) => Forward(prefix, e.Data);
            process.ErrorDataReceived += (_, e) => Forward(prefix, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            output(string.Create(CultureInfo.InvariantCulture, $"worker {workerId} started (pid {pid})"));

            var exited = process.WaitForExitAsync(CancellationToken.None);
            if (await Task.WhenAny(exited, Task.Delay(Timeout.Infinite, stop)).ConfigureAwait(false) != exited)
            {
                await StopAsync(process, exited, pid).ConfigureAwait(false);
                ProcessId = null;
                return;
            }

            await exited.ConfigureAwait(false);
            ProcessId = null;
            var code = process.ExitCode;
            if (code is 0 or Program.InputError)
            {
                output(string.Create(CultureInfo.InvariantCulture, $"worker {workerId} (pid {pid}) exited with code {code}; not restarted"));
                return;
            }

            pause = started.Elapsed > HealthyRun ? FirstPause : pause;
            output(string.Create(CultureInfo.InvariantCulture,
                $"worker {workerId} (pid {pid}) died unexpectedly (exit code {code}); restarting in {pause.TotalSeconds:0} s"));
            try
            {
                await Task.Delay(pause, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    private async Task StopAsync(Process process, Task exited, int pid)
    {
        try
        {
            // The worker reads its input to the end: closing it is the stop request (portable, unlike SIGTERM).
            process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        if (await Task.WhenAny(exited, Task.Delay(StopGrace)).ConfigureAwait(false) != exited)
        {
            output(string.Create(CultureInfo.InvariantCulture, $"worker {workerId} (pid {pid}) did not stop within {StopGrace.TotalSeconds:0} s; killing it"));
            process.Kill(entireProcessTree: true);
        }

        await exited.ConfigureAwait(false);
        output(string.Create(CultureInfo.InvariantCulture, $"worker {workerId} (pid {pid}) stopped (exit code {process.ExitCode})"));
    }

    private void Forward(string prefix, string? line)
    {
        if (line is not null)
        {
            output(prefix + line);
        }
    }
}
