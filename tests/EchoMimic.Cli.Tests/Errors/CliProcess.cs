using System.Diagnostics;
using EchoMimic.Cli.Serve;

namespace EchoMimic.Cli.Tests.Errors;

/// <summary>
/// <c>echomimic ARGS</c> as a separate process (<c>dotnet echomimic.dll</c> from the test's build output), with its own
/// environment: what a user's shell sees, including anything the runtime itself would print for an unhandled
/// exception.
/// </summary>
internal static class CliProcess
{
    /// <summary>Generous: a dotnet process start on a loaded 2-core machine takes seconds, the commands fail fast.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    public static async Task<Run> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = WorkerLaunch.ThisCli().StartInfo(arguments);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"echomimic {string.Join(' ', arguments)} did not exit within {Limit}");
        }

        return new Run(process.ExitCode, await output, await error);
    }

    public static Task<Run> RunAsync(params string[] arguments) => RunAsync(new Dictionary<string, string?>(), arguments);

    public sealed record Run(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
    }
}
