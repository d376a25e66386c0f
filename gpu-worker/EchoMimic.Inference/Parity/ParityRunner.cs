using System.Globalization;
using System.Reflection;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity;

public enum ParityStatus { Pass, Fail, Skip }

public sealed record ParityResult(string File, string Component, ParityStatus Status, double MaxAbs, double MaxRel, double? Mismatch, string? Detail)
{
    public string Line(string root)
    {
        var relative = System.IO.Path.GetRelativePath(root, File);
        var status = Status.ToString().ToUpperInvariant();
        var line = string.Create(CultureInfo.InvariantCulture, $"{status} {relative} {Component} max_abs={MaxAbs:G6} max_rel={MaxRel:G6}");
        if (Mismatch is { } m) line += string.Create(CultureInfo.InvariantCulture, $" mismatch={m:G6}");
        if (Detail is not null) line += $" ({Detail})";
        return line;
    }
}

/// <summary>Finds fixtures, dispatches them on <c>component</c> and applies the pass rule of fixtures/FORMAT.md.</summary>
public sealed class ParityRunner
{
    private readonly Dictionary<string, IComponentCheck> _checks;

    public ParityRunner(IEnumerable<IComponentCheck> checks)
    {
        _checks = new Dictionary<string, IComponentCheck>(StringComparer.Ordinal);
        foreach (var check in checks)
            foreach (var component in check.Components) _checks[component] = check;
    }

    /// <summary>A runner with every <see cref="IComponentCheck"/> of this assembly.</summary>
    public static ParityRunner Discover() => new(typeof(ParityRunner).Assembly.GetTypes()
        .Where(t => typeof(IComponentCheck).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false } && t.GetConstructor(Type.EmptyTypes) is not null)
        .Select(t => (IComponentCheck)Activator.CreateInstance(t)!));

    public IReadOnlyCollection<string> Implemented => _checks.Keys;

    /// <summary>All <c>*.safetensors</c> under <paramref name="directory"/>, recursively, in a stable order.</summary>
    public static IReadOnlyList<string> FindFixtureFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*.safetensors", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Checks one file; null when it is not a fixture (no <c>component</c> metadata).</summary>
    public ParityResult? Check(string path)
    {
        using var fixture = Fixture.TryOpen(path);
        if (fixture is null) return null;
        if (!_checks.TryGetValue(fixture.Component, out var check))
            return new ParityResult(path, fixture.Component, ParityStatus.Skip, double.NaN, double.NaN, null, "not implemented");

        using var scope = NewDisposeScope();
        IReadOnlyDictionary<string, Tensor> actual;
        try
        {
            actual = check.Run(fixture);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new ParityResult(path, fixture.Component, ParityStatus.Fail, double.NaN, double.NaN, null, $"{e.GetType().Name}: {e.Message}");
        }
        return Compare(fixture, actual);
    }

    private static ParityResult Compare(Fixture fixture, IReadOnlyDictionary<string, Tensor> actual)
    {
        double maxAbs = 0, maxRel = 0;
        double? mismatch = null;
        var failures = new List<string>();
        foreach (var name in fixture.Outputs)
        {
            if (!actual.TryGetValue(name, out var got)) { failures.Add($"{name}: not produced"); continue; }
            var expected = fixture.Output(name);
            if (!got.shape.SequenceEqual(expected.shape))
            {
                failures.Add($"{name}: shape [{string.Join(",", got.shape)}] != expected [{string.Join(",", expected.shape)}]");
                continue;
            }
            var tolerance = fixture.ToleranceFor(name);
            var e = expected.to_type(ScalarType.Float64);
            var a = got.detach().cpu().to_type(ScalarType.Float64);
            var diff = (a - e).abs();
            var fails = diff.isnan().logical_or(diff > (tolerance.Atol + tolerance.Rtol * e.abs()));
            long n = e.NumberOfElements;
            double failShare = n == 0 ? 0 : fails.sum().item<long>() / (double)n;
            if (n > 0)
            {
                maxAbs = Math.Max(maxAbs, diff.nan_to_num(double.PositiveInfinity).max().item<double>());
                maxRel = Math.Max(maxRel, (diff / e.abs().clamp_min(1e-12)).nan_to_num(double.PositiveInfinity).max().item<double>());
            }
            if (!expected.is_floating_point())
            {
                double differing = n == 0 ? 0 : (a != e).sum().item<long>() / (double)n;
                mismatch = Math.Max(mismatch ?? 0, differing);
            }
            if (failShare > tolerance.MaxMismatchFraction)
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: {failShare:P3} of values outside atol={tolerance.Atol:G3} rtol={tolerance.Rtol:G3}"));
        }
        var status = failures.Count == 0 ? ParityStatus.Pass : ParityStatus.Fail;
        return new ParityResult(fixture.Path, fixture.Component, status, maxAbs, maxRel, mismatch, failures.Count == 0 ? null : string.Join("; ", failures));
    }
}
