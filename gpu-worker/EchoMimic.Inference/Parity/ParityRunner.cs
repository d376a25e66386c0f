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

    /// <summary>
    /// The folder of checkpoint samples (fixtures/FORMAT.md): safetensors files there are checkpoints in the official
    /// layouts, not fixtures, and are not checked here.
    /// </summary>
    public const string CheckpointSamplesFolder = "checkpoints";

    /// <summary>
    /// All <c>*.safetensors</c> under <paramref name="directory"/>, recursively, in a stable order, except those in
    /// the checkpoint-samples folder <c>checkpoints/</c> directly below it.
    /// </summary>
    public static IReadOnlyList<string> FindFixtureFiles(string directory)
    {
        var samples = System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), CheckpointSamplesFolder) + System.IO.Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(directory, "*.safetensors", SearchOption.AllDirectories)
            .Where(f => !System.IO.Path.GetFullPath(f).StartsWith(samples, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// Checks one fixture file. A file that cannot be read as safetensors, or that has no <c>component</c> metadata,
    /// is a failure: a fixture that checks nothing must not count as passed.
    /// </summary>
    public ParityResult Check(string path)
    {
        Fixture? opened;
        try
        {
            opened = Fixture.TryOpen(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new ParityResult(path, "?", ParityStatus.Fail, double.NaN, double.NaN, null, $"not a readable fixture: {e.Message}");
        }

        if (opened is null)
            return new ParityResult(path, "?", ParityStatus.Fail, double.NaN, double.NaN, null, "no `component` in the metadata: not a fixture (fixtures/FORMAT.md)");
        using var fixture = opened;
        if (!_checks.TryGetValue(fixture.Component, out var check))
            return new ParityResult(path, fixture.Component, ParityStatus.Skip, double.NaN, double.NaN, null, "not implemented");

        using var scope = NewDisposeScope();
        try
        {
            // The expected outputs are read in Compare: a tensor whose bytes are missing fails the file the same way.
            return Compare(fixture, check.Run(fixture));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new ParityResult(path, fixture.Component, ParityStatus.Fail, double.NaN, double.NaN, null, $"{e.GetType().Name}: {e.Message}");
        }
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
