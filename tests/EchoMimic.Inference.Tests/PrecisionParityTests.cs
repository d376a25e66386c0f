using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Parity;

namespace EchoMimic.Inference.Tests;

/// <summary>
/// The half-precision suite (<c>echomimic parity --precision bf16|fp16</c>): every network and pipeline fixture run
/// with the networks in bfloat16 and in float16, each output's relative L2 drift held to the bound derived from the
/// official code's own bf16 drift (fixtures/precision/official-bf16-drift.json). Separate from <see cref="ParityTests"/>,
/// whose float32 tolerances are the fixtures' own.
/// </summary>
public sealed class PrecisionParityTests
{
    private static readonly Lazy<PrecisionParityRunner?> Runner = new(() =>
    {
        var table = Path.Combine(FixtureFiles.Root, "precision", OfficialDrift.FileName);
        return File.Exists(table) ? new PrecisionParityRunner(OfficialDrift.Load(table)) : null;
    });

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in new[] { "networks", "pipeline" })
            foreach (var fixture in FixtureFiles.Under(folder))
                foreach (var precision in new[] { "bf16", "fp16" })
                    data.Add(fixture.Data, precision);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Fixture_drift_in_half_precision_is_within_bound(string fixture, string precision)
    {
        var path = FixtureFiles.Require(fixture);
        var runner = Runner.Value;
        if (runner is null) RequiredData.Missing($"the drift table is not available: {FixtureFiles.Root}/precision/{OfficialDrift.FileName}");
        var result = runner!.Check(path, PrecisionNames.Parse(precision, "precision"));
        if (result is null) return; // a safetensors file without `component` is a checkpoint sample, not a fixture
        if (result.Status == ParityStatus.Skip) Assert.Skip($"{result.Component}: {result.Detail}");
        var report = string.Join(Environment.NewLine, result.Lines(FixtureFiles.Root));
        Assert.True(result.Status == ParityStatus.Pass, report);

        var bounded = result.Outputs.Where(o => o.Bound is not null).ToArray();
        Assert.NotEmpty(bounded);
        // The run really computed in half precision: float32 reproduces these fixtures to ~1e-6 and below.
        Assert.All(bounded, o => Assert.True(o.Figures.RelL2 > 1e-4, $"{o.Name} drifted only {o.Figures.RelL2:G3}: not a half-precision run?{Environment.NewLine}{report}"));
    }
}
