using System.CommandLine;
using EchoMimic.Cli.Commands;
using EchoMimic.Core;

namespace EchoMimic.Cli;

public static class Program
{
    public const int InputError = 2;

    public static int Main(string[] args)
    {
        var root = new RootCommand("EchoMimic Cloud: portrait + speech + gesture -> talking, gesturing half-body video (EchoMimicV2).");
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
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

            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (InputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return InputError;
        }
    }
}
