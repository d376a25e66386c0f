using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Parity;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests;

/// <summary>The drift measure and the bounds of <see cref="PrecisionParityRunner"/> on a table written here.</summary>
public sealed class DriftBoundTests : IDisposable
{
    private readonly string _table = Path.Combine(Path.GetTempPath(), $"drift-{Guid.NewGuid():N}.json");

    public DriftBoundTests() => File.WriteAllText(_table,
        """{"a.safetensors": {"component": "vae_decode", "outputs": {"sample": {"rel_l2": 0.02, "cosine": 0.9998, "max_abs": 0.1}}}}""");

    public void Dispose() => File.Delete(_table);

    [Fact]
    public void Figures_are_relative_l2_cosine_and_max_abs()
    {
        using var expected = tensor(new[] { 3.0f, 4.0f });
        using var actual = tensor(new[] { 3.0f, 4.5f });
        var figures = DriftFigures.Measure(actual, expected);
        Assert.Equal(0.1, figures.RelL2, 12);
        Assert.Equal((9 + 18) / (5 * Math.Sqrt(9 + 20.25)), figures.Cosine, 12);
        Assert.Equal(0.5, figures.MaxAbs, 12);
    }

    [Fact]
    public void Network_bounds_scale_the_official_bf16_figure()
    {
        var runner = new PrecisionParityRunner(OfficialDrift.Load(_table), []);
        Assert.Equal(0.03, runner.BoundFor("/x/a.safetensors", "sample", Precision.Bf16, pipeline: false).Bound!.Value, 12);
        Assert.Equal(0.01, runner.BoundFor("/x/a.safetensors", "sample", Precision.Fp16, pipeline: false).Bound!.Value, 12);
        Assert.Null(runner.BoundFor("/x/a.safetensors", "other", Precision.Bf16, pipeline: false).Bound);
        Assert.Equal(0.1, runner.BoundFor("/x/p.safetensors", "final_latents", Precision.Bf16, pipeline: true).Bound!.Value, 12);
        Assert.Equal(0.03, runner.BoundFor("/x/p.safetensors", "final_latents", Precision.Fp16, pipeline: true).Bound!.Value, 12);
        Assert.Null(runner.BoundFor("/x/p.safetensors", "video", Precision.Fp16, pipeline: true).Bound);
    }

    [Fact]
    public void An_output_over_its_bound_or_nan_fails()
    {
        Assert.False(new DriftOutput("x", new DriftFigures(0.031, 0.99, 1), 0.03, "test").WithinBound);
        Assert.False(new DriftOutput("x", new DriftFigures(double.NaN, double.NaN, double.NaN), 0.03, "test").WithinBound);
        Assert.True(new DriftOutput("x", new DriftFigures(0.03, 0.99, 1), 0.03, "test").WithinBound);
    }

    [Fact]
    public void A_malformed_table_names_the_file()
    {
        File.WriteAllText(_table, """{"a.safetensors": {"outputs": {"sample": {"cosine": 1}}}}""");
        var e = Assert.Throws<Core.InputException>(() => OfficialDrift.Load(_table));
        Assert.Equal(_table, e.Input);
    }
}
