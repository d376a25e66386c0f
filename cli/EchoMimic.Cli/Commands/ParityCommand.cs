using System.CommandLine;
using EchoMimic.Core;
using EchoMimic.Inference;
using EchoMimic.Inference.Parity;

namespace EchoMimic.Cli.Commands;

/// <summary><c>echomimic parity [DIR] [--strict]</c>: runs every golden fixture under DIR against our implementation.</summary>
public sealed class ParityCommand : ICliCommand
{
    public Command Build()
    {
        var dir = new Argument<string?>("DIR") { Description = "fixtures folder (default: $ECHOMIMIC_FIXTURES, else ../shared/fixtures next to the repository)", Arity = ArgumentArity.ZeroOrOne };
        var strict = new Option<bool>("--strict") { Description = "treat components not implemented yet (SKIP) as failures" };
        var command = new Command("parity", "check the engine against the official implementation's golden fixtures") { dir, strict };
        command.SetAction(parse => Run(parse.GetValue(dir), parse.GetValue(strict)));
        return command;
    }

    public static int Run(string? directory, bool strict)
    {
        directory = Path.GetFullPath(directory ?? RepositoryRoot.DefaultFixtures());
        if (!Directory.Exists(directory)) throw new InputException(directory, "fixtures folder does not exist");
        var runner = ParityRunner.Discover();
        int pass = 0, fail = 0, skip = 0;
        foreach (var file in ParityRunner.FindFixtureFiles(directory))
        {
            var result = runner.Check(file);
            Console.WriteLine(result.Line(directory));
            switch (result.Status)
            {
                case ParityStatus.Pass: pass++; break;
                case ParityStatus.Fail: fail++; break;
                default: skip++; break;
            }
        }
        Console.WriteLine($"parity: {pass} passed, {fail} failed, {skip} skipped{(strict && skip > 0 ? " (--strict: skips count as failures)" : "")}");
        return fail > 0 || (strict && skip > 0) ? 1 : 0;
    }
}
