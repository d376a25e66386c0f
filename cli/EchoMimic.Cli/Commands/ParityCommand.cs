using System.CommandLine;
using EchoMimic.Core;
using EchoMimic.Core.Jobs;
using EchoMimic.Inference;
using EchoMimic.Inference.Parity;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic parity [DIR] [--strict] [--precision bf16|fp16 [--drift FILE]]</c>: runs every golden fixture under DIR
/// against our implementation; with --precision, runs the networks in that precision and holds each output's drift
/// to the bound derived from the official code's own bf16 drift (docs/precision.md).
/// </summary>
public sealed class ParityCommand : ICliCommand
{
    public Command Build()
    {
        var dir = new Argument<string?>("DIR") { Description = "fixtures folder (default: $ECHOMIMIC_FIXTURES, else ../shared/fixtures next to the repository)", Arity = ArgumentArity.ZeroOrOne };
        var strict = new Option<bool>("--strict") { Description = "treat components not implemented yet (SKIP) as failures" };
        var precision = new Option<string?>("--precision") { Description = "bf16 or fp16: run the networks in that precision and check their drift against the official code's bf16 drift (default: fp32 parity with the fixtures' tolerances)" };
        var drift = new Option<string?>("--drift") { Description = $"the official drift table (default: precision/{OfficialDrift.FileName} beside the fixture folders)" };
        var command = new Command("parity", "check the engine against the official implementation's golden fixtures") { dir, strict, precision, drift };
        command.SetAction(parse => parse.GetValue(precision) is { } p
            ? RunPrecision(parse.GetValue(dir), PrecisionNames.Parse(p, "--precision"), parse.GetValue(drift), parse.GetValue(strict))
            : parse.GetValue(drift) is not null
                ? throw new InputException("--drift", "needs --precision bf16 or fp16")
                : Run(parse.GetValue(dir), parse.GetValue(strict)));
        return command;
    }

    /// <summary>The fixtures in bf16 or fp16: per fixture a status line, then per output its drift and bound.</summary>
    public static int RunPrecision(string? directory, Precision precision, string? driftFile, bool strict)
    {
        if (precision == Precision.Fp32) throw new InputException("--precision", "fp32 is the default parity run (leave --precision out)");
        directory = Path.GetFullPath(directory ?? RepositoryRoot.DefaultFixtures());
        if (!Directory.Exists(directory)) throw new InputException(directory, "fixtures folder does not exist");
        var runner = new PrecisionParityRunner(OfficialDrift.Load(Path.GetFullPath(driftFile ?? OfficialDrift.DefaultPath(directory))));
        int pass = 0, fail = 0, skip = 0;
        foreach (var file in ParityRunner.FindFixtureFiles(directory))
        {
            var result = runner.Check(file, precision);
            if (result is null) continue;
            foreach (var line in result.Lines(directory)) Console.WriteLine(line);
            switch (result.Status)
            {
                case ParityStatus.Pass: pass++; break;
                case ParityStatus.Fail: fail++; break;
                default: skip++; break;
            }
        }
        Console.WriteLine($"parity {precision.Name()}: {pass} passed, {fail} failed, {skip} skipped (float32-only or not a network){(strict && skip > 0 ? " (--strict: skips count as failures)" : "")}");
        return fail > 0 || (strict && skip > 0) ? 1 : 0;
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
