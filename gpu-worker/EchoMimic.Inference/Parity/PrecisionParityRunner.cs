using System.Globalization;
using EchoMimic.Core.Jobs;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity;

/// <summary>
/// Runs fixtures with the networks in bfloat16 or float16 and holds each output's relative L2 drift (against the
/// fixture's float32 outputs) to a bound derived from the official code's own bf16 drift (docs/precision.md):
/// network fixtures, per output, bf16 ≤ <see cref="Bf16Factor"/> × and fp16 ≤ <see cref="Fp16Factor"/> × the official
/// bf16 figure; pipeline fixtures (no official figure) hold their final latents to <see cref="PipelineBf16Bound"/> /
/// <see cref="PipelineFp16Bound"/> and report the rest. The float32 parity suite (<see cref="ParityRunner"/>) and its
/// tolerances are not involved.
/// </summary>
public sealed class PrecisionParityRunner
{
    public const double Bf16Factor = 1.5;
    public const double Fp16Factor = 0.5;
    public const double PipelineBf16Bound = 1e-1;
    public const double PipelineFp16Bound = 3e-2;

    /// <summary>The pipeline output held to a bound; the other pipeline outputs are reported.</summary>
    public const string PipelineBoundedOutput = "final_latents";

    private static readonly HashSet<string> PipelineComponents = new(["pipeline", "pipeline_acc"], StringComparer.Ordinal);

    private readonly Dictionary<string, IComponentCheck> _checks;
    private readonly OfficialDrift _drift;

    public PrecisionParityRunner(OfficialDrift drift, IEnumerable<IComponentCheck>? checks = null)
    {
        _drift = drift;
        _checks = new Dictionary<string, IComponentCheck>(StringComparer.Ordinal);
        foreach (var check in checks ?? DiscoverChecks())
            foreach (var component in check.Components) _checks[component] = check;
    }

    private static IEnumerable<IComponentCheck> DiscoverChecks() => typeof(PrecisionParityRunner).Assembly.GetTypes()
        .Where(t => typeof(IComponentCheck).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false } && t.GetConstructor(Type.EmptyTypes) is not null)
        .Select(t => (IComponentCheck)Activator.CreateInstance(t)!);

    /// <summary>Runs one file in <paramref name="precision"/> (bf16 or fp16); null when it is not a fixture.</summary>
    public DriftResult? Check(string path, Precision precision)
    {
        if (precision == Precision.Fp32) throw new ArgumentException("fp32 fixtures are checked by ParityRunner with the fixtures' own tolerances", nameof(precision));
        using var fixture = Fixture.TryOpen(path);
        if (fixture is null) return null;
        if (!_checks.TryGetValue(fixture.Component, out var check))
            return Skip(fixture, precision, "not implemented");
        if (check is not IPrecisionCheck precisionCheck)
            return Skip(fixture, precision, fixture.Component == "whisper_encoder"
                ? "whisper runs in float32 at every precision"
                : "runs no network whose precision changes");

        bool pipeline = PipelineComponents.Contains(fixture.Component);
        if (!pipeline && !_drift.Covers(path))
            return Skip(fixture, precision, $"no official drift figure in {_drift.Path}");

        using var scope = NewDisposeScope();
        IReadOnlyDictionary<string, Tensor> actual;
        try
        {
            actual = precisionCheck.Run(fixture, precision);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new DriftResult(path, fixture.Component, precision, ParityStatus.Fail, [], $"{e.GetType().Name}: {e.Message}");
        }

        var outputs = new List<DriftOutput>();
        var problems = new List<string>();
        foreach (var name in fixture.Outputs)
        {
            if (!actual.TryGetValue(name, out var got)) { problems.Add($"{name}: not produced"); continue; }
            var expected = fixture.Output(name);
            if (!expected.is_floating_point()) continue;
            if (!got.shape.SequenceEqual(expected.shape))
            {
                problems.Add($"{name}: shape [{string.Join(",", got.shape)}] != expected [{string.Join(",", expected.shape)}]");
                continue;
            }
            var (bound, source) = BoundFor(path, name, precision, pipeline);
            outputs.Add(new DriftOutput(name, DriftFigures.Measure(got, expected), bound, source));
        }
        var exceeded = outputs.Where(o => !o.WithinBound).Select(o => o.Name).ToArray();
        if (exceeded.Length > 0) problems.Add($"over bound: {string.Join(", ", exceeded)}");
        return new DriftResult(path, fixture.Component, precision, problems.Count == 0 ? ParityStatus.Pass : ParityStatus.Fail, outputs,
            problems.Count == 0 ? null : string.Join("; ", problems));
    }

    /// <summary>The relative-L2 bound for one output and where it comes from; null bound: reported only.</summary>
    public (double? Bound, string Source) BoundFor(string fixtureFile, string output, Precision precision, bool pipeline)
    {
        if (pipeline)
        {
            if (output != PipelineBoundedOutput) return (null, "pipeline: only final_latents is bounded");
            var limit = precision == Precision.Bf16 ? PipelineBf16Bound : PipelineFp16Bound;
            return (limit, string.Create(CultureInfo.InvariantCulture, $"pipeline final latents, {precision.Name()}"));
        }
        if (_drift.For(fixtureFile, output) is not { } official) return (null, "no official figure for this output");
        var factor = precision == Precision.Bf16 ? Bf16Factor : Fp16Factor;
        return (factor * official.RelL2, string.Create(CultureInfo.InvariantCulture, $"{factor} x official bf16 {official.RelL2:0.000e+0}"));
    }

    private static DriftResult Skip(Fixture fixture, Precision precision, string why) =>
        new(fixture.Path, fixture.Component, precision, ParityStatus.Skip, [], why);
}
