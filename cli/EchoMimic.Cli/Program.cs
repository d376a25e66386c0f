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
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (InputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return InputError;
        }
    }
}
