using System.CommandLine;
using EchoMimic.Cli.Commands;
using EchoMimic.Cli.Local;
using EchoMimic.Core;

namespace EchoMimic.Cli;

/// <summary>
/// The <c>echomimic</c> entry point and its one error boundary (docs/cli-errors.md): every failure of every command,
/// synchronous or async, ends here as an exit code and one line on standard error. 2: bad input or a missing or
/// unreachable prerequisite; 1: a job that ran and failed, or a bug ("internal error"); 130: cancelled (Ctrl+C).
/// <c>--verbose</c> or <c>ECHOMIMIC_VERBOSE=1</c> adds the stack trace for a bug report.
/// </summary>
public static class Program
{
    public const int InputError = 2;
    public const int JobFailed = 1;
    public const int Cancelled = 130;
    public const string VerboseVariable = "ECHOMIMIC_VERBOSE";

    /// <summary>Whether this invocation asked for stack traces (<c>--verbose</c> or <c>ECHOMIMIC_VERBOSE=1</c>).</summary>
    public static bool Verbose { get; private set; }

    public static int Main(string[] args)
    {
        var verboseOption = new Option<bool>("--verbose") { Description = $"print the stack trace of an internal error (or set {VerboseVariable}=1)", Recursive = true };
        var root = new RootCommand("EchoMimic Cloud: portrait + speech + gesture -> talking, gesturing half-body video (EchoMimicV2).") { verboseOption };
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        var verbose = Verbose = args.Contains("--verbose") || Environment.GetEnvironmentVariable(VerboseVariable) is "1" or "true";
        try
        {
            var parsed = root.Parse(args.Length == 0 ? ["--help"] : args);
            if (parsed.Errors.Count > 0)
            {
                // Bad flags are user errors like any other: exit 2 with the message (System.CommandLine: 1 + full help).
                foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
                var name = parsed.CommandResult.Command == root ? "echomimic" : $"echomimic {parsed.CommandResult.Command.Name}";
                Console.Error.WriteLine($"('{name} --help' lists the options)");
                return InputError;
            }

            // Without the default handler every exception of an action, async ones included, reaches the catch below.
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Report(e, verbose);
        }
    }

    /// <summary>Maps a failure to its exit code and writes its one line (and, verbose, the stack trace).</summary>
    public static int Report(Exception failure, bool verbose)
    {
        var e = Unwrap(failure);
        var (code, line) = e switch
        {
            InputException or PrerequisiteException => (InputError, $"error: {e.Message}"),
            RenderJobFailedException => (JobFailed, $"error: {e.Message}"),
            OperationCanceledException => (Cancelled, "cancelled: no output written"),
            _ => (JobFailed, $"internal error: {e.GetType().Name}: {OneLine(e.Message)}{(verbose ? "" : " (run with --verbose for the stack trace)")}"),
        };
        Console.Error.WriteLine(line);
        if (verbose) Console.Error.WriteLine(failure.ToString());
        return code;
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is { } inner) e = inner;
        return e;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
