using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EchoMimic.Cli.Serve;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary>
/// <c>echomimic serve</c> as a real child process of the test (<c>dotnet echomimic.dll serve</c> from the test's build
/// output), its output collected line by line (and appended to a log file for a failing run). Dispose kills what is
/// left of it and of every worker process it reported, even orphans of a killed serve.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly ConcurrentDictionary<string, int> workerPids = new();
    private readonly string logFile;

    private ServeProcess(IEnumerable<string> arguments, string logFile)
    {
        this.logFile = logFile;
        process = new Process { StartInfo = WorkerLaunch.ThisCli().StartInfo(arguments) };
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public IReadOnlyCollection<string> Lines => lines;

    /// <summary>Worker id → pid of every worker process this serve started (the latest pid per id).</summary>
    public IReadOnlyDictionary<string, int> WorkerPids => workerPids;

    public bool HasExited => process.HasExited;

    public static ServeProcess Start(string connection, string workerId, int workers, string secret, string scratch, string logFile,
        int leaseSeconds, int segmentLength = 24)
    {
        File.AppendAllText(logFile, $"--- serve {workerId} starting {DateTime.UtcNow:HH:mm:ss.fff}{Environment.NewLine}");
        return new ServeProcess(
        [
            "serve", "--connection", connection, "--worker-id", workerId, "--workers", workers.ToString(CultureInfo.InvariantCulture),
            "--port", "0", "--webhook-secret", secret, "--scratch", scratch,
            "--lease-seconds", leaseSeconds.ToString(CultureInfo.InvariantCulture),
            "--segment-length", segmentLength.ToString(CultureInfo.InvariantCulture),
        ], logFile);
    }

    /// <summary>Waits for the first output line that matches; fails with the tail of the output otherwise.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        string? found = null;
        await WaitUntilAsync(() => (found = lines.FirstOrDefault(match)) is not null, timeout, what, cancellationToken);
        return found!;
    }

    /// <summary>Waits until <paramref name="condition"/> holds while serve runs; fails with the tail of the output otherwise.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (process.HasExited || DateTime.UtcNow > until)
            {
                throw new TimeoutException($"serve {(process.HasExited ? $"exited ({process.ExitCode})" : $"gave no sign within {timeout}")} while waiting for {what}; last lines:\n{string.Join('\n', lines.TakeLast(25))}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The pid in a forwarded worker line (<c>[id pid N] ...</c>).</summary>
    public static int PidOf(string workerLine) => int.Parse(ForwardedLine().Match(workerLine).Groups["pid"].Value, CultureInfo.InvariantCulture);

    /// <summary>SIGKILL to serve alone (not its children): what a crash or the OOM killer does.</summary>
    public void KillHard() => process.Kill(entireProcessTree: false);

    /// <summary>Sends SIGTERM (or another signal) and waits for the exit; returns the exit code.</summary>
    public async Task<int> SignalAndWaitAsync(string signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using (var kill = Process.Start("kill", ["-s", signal, Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        await process.WaitForExitAsync(wait.Token);
        return process.ExitCode;
    }

    /// <summary>True while the process exists and is not a zombie (an orphan's zombie may wait for a reaper here).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        foreach (var pid in workerPids.Values.Where(IsAlive))
        {
            try
            {
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
            }
        }

        process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lines.Enqueue(line);
        if (StartedLine().Match(line) is { Success: true } started)
        {
            workerPids[started.Groups["id"].Value] = int.Parse(started.Groups["pid"].Value, CultureInfo.InvariantCulture);
        }

        lock (lines)
        {
            File.AppendAllText(logFile, $"{DateTime.UtcNow:HH:mm:ss.fff} {line}{Environment.NewLine}");
        }
    }

    [GeneratedRegex(@"^worker (?<id>\S+) started \(pid (?<pid>\d+)\)")]
    private static partial Regex StartedLine();

    [GeneratedRegex(@"^\[(?<id>\S+) pid (?<pid>\d+)\] ")]
    private static partial Regex ForwardedLine();
}
