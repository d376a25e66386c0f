using System.Globalization;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>The result of <see cref="WeightsCheck.Run"/>: one report per expected file.</summary>
public sealed record WeightsCheckReport(string Directory, bool Accelerated, IReadOnlyList<WeightFileReport> Files)
{
    public bool Passed => Files.All(f => f.Passed);

    /// <summary>The human-readable report <c>echomimic weights check</c> prints.</summary>
    public IEnumerable<string> Lines()
    {
        yield return $"weights check of {Directory} ({(Accelerated ? "accelerated: infer_acc.py" : "standard: infer.py")} file set)";
        foreach (var f in Files)
        {
            var facts = new List<string>();
            if (f.SizeBytes is { } size) facts.Add(FormatSize(size));
            if (f.DTypes.Count > 0) facts.Add(string.Join("+", f.DTypes));
            if (f.Exists && f.Error is null) facts.Add($"{f.KeyCount} keys");
            if (!f.Required && !f.Exists) facts.Add("optional");
            if (!f.Used) facts.Add("present, not loaded");
            yield return $"{f.Status,-8} {f.RelativePath,-55} {string.Join("  ", facts)}".TrimEnd();
            if (f.Note is not null) yield return $"         {f.Note}";
            if (f.Error is not null) yield return $"         error: {f.Error}";
            foreach (var k in f.MissingKeys) yield return $"         missing: {k}";
            foreach (var k in f.UnexpectedKeys) yield return $"         unexpected: {k}";
            foreach (var k in f.MisshapedKeys) yield return $"         wrong shape: {k}";
            if (f.MissingUnusedKeys.Count > 0) yield return $"         {f.MissingUnusedKeys.Count} unused keys absent (not needed): {string.Join(", ", f.MissingUnusedKeys.Take(5))}{(f.MissingUnusedKeys.Count > 5 ? ", ..." : "")}";
        }
        var failed = Files.Count(f => !f.Passed);
        yield return $"weights check: {(Passed ? "PASS" : "FAIL")} ({Files.Count(f => f.Exists && f.Passed)} files ok, {failed} failed or missing)";
    }

    private static string FormatSize(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.00 GiB", CultureInfo.InvariantCulture),
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0 MiB", CultureInfo.InvariantCulture),
        _ => $"{bytes} B",
    };
}
