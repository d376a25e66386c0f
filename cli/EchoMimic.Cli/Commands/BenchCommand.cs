using System.CommandLine;

namespace EchoMimic.Cli.Commands;

/// <summary><c>echomimic bench &lt;name&gt;</c>: benchmarks that print ratios and the machine they ran on (not timed tests).</summary>
public sealed class BenchCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("bench", "benchmarks (print figures and the machine they ran on)");
        foreach (var type in typeof(BenchCommand).Assembly.GetTypes()
                     .Where(t => typeof(IBenchmarkCommand).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
                     .OrderBy(t => t.Name, StringComparer.Ordinal))
            command.Subcommands.Add(((IBenchmarkCommand)Activator.CreateInstance(type)!).Build());
        return command;
    }
}
