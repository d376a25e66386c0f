using System.CommandLine;
using System.Reflection;

namespace EchoMimic.Cli.Commands;

/// <summary>A top-level <c>echomimic</c> command. Implementations are discovered, so adding a command is adding one class.</summary>
public interface ICliCommand
{
    Command Build();
}

public static class CommandCatalog
{
    public static IEnumerable<Command> All() => typeof(CommandCatalog).Assembly.GetTypes()
        .Where(t => typeof(ICliCommand).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => ((ICliCommand)Activator.CreateInstance(t)!).Build());
}
