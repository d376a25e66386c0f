using System.CommandLine;

namespace EchoMimic.Cli.Commands;

/// <summary>A subcommand of <c>echomimic bench</c>; implementations are discovered like top-level commands.</summary>
public interface IBenchmarkCommand
{
    Command Build();
}
