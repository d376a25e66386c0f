using System.Text.Json;
using EchoMimic.Core;

namespace EchoMimic.Inference.Parity;

/// <summary>
/// fixtures/precision/official-bf16-drift.json: per network fixture (by file name) and output, how far the official
/// code itself moves in bfloat16 against the fixture's float32 outputs. The yardstick of <see cref="PrecisionParityRunner"/>.
/// </summary>
public sealed class OfficialDrift
{
    public const string FileName = "official-bf16-drift.json";

    private readonly Dictionary<string, Dictionary<string, DriftFigures>> _figures;

    private OfficialDrift(string path, Dictionary<string, Dictionary<string, DriftFigures>> figures)
    {
        Path = path;
        _figures = figures;
    }

    public string Path { get; }

    /// <summary>The official bf16 figures for one output of a fixture file, or null where the table has none.</summary>
    public DriftFigures? For(string fixtureFile, string output) =>
        _figures.TryGetValue(System.IO.Path.GetFileName(fixtureFile), out var outputs) && outputs.TryGetValue(output, out var figures) ? figures : null;

    public bool Covers(string fixtureFile) => _figures.ContainsKey(System.IO.Path.GetFileName(fixtureFile));

    /// <summary>
    /// The table beside the fixture folders: <c>DIR/precision/</c> when DIR is the fixtures root, else
    /// <c>DIR/../precision/</c> (DIR is one fixture folder).
    /// </summary>
    public static string DefaultPath(string fixturesDirectory)
    {
        var inside = System.IO.Path.Combine(fixturesDirectory, "precision", FileName);
        if (File.Exists(inside)) return inside;
        return System.IO.Path.GetFullPath(System.IO.Path.Combine(fixturesDirectory, "..", "precision", FileName));
    }

    /// <summary>Reads the table; an <see cref="InputException"/> naming the file when it is missing or malformed.</summary>
    public static OfficialDrift Load(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, $"drift table not found (pass --drift FILE: fixtures/precision/{FileName})");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var figures = new Dictionary<string, Dictionary<string, DriftFigures>>(StringComparer.Ordinal);
            foreach (var fixture in document.RootElement.EnumerateObject())
            {
                var outputs = new Dictionary<string, DriftFigures>(StringComparer.Ordinal);
                foreach (var output in fixture.Value.GetProperty("outputs").EnumerateObject())
                {
                    outputs[output.Name] = new DriftFigures(output.Value.GetProperty("rel_l2").GetDouble(),
                        output.Value.GetProperty("cosine").GetDouble(), output.Value.GetProperty("max_abs").GetDouble());
                }
                figures[fixture.Name] = outputs;
            }
            return new OfficialDrift(path, figures);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException(path, $"not a drift table ({{fixture: {{outputs: {{name: {{rel_l2, cosine, max_abs}}}}}}}}): {e.Message}");
        }
    }
}
