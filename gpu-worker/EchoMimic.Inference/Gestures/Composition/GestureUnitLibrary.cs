using System.Text.Json;
using EchoMimic.Core;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>
/// The units the composer chooses from: the built-in procedural ones, plus any the user adds with
/// <c>--gesture-units DIR</c>, where each sub-folder is one unit: the official per-frame <c>N.npy</c> files (as
/// <c>pose extract</c> writes them) and a <c>phases.json</c> <c>{"stroke_start": S, "apex": A, "stroke_end": E}</c>
/// (frame indices; docs/gestures.md). User units are read at the render's fps, one pose file per frame.
/// </summary>
public sealed class GestureUnitLibrary(IReadOnlyList<GestureUnit> units)
{
    public const string PhasesFile = "phases.json";

    public IReadOnlyList<GestureUnit> Units { get; } = units.Count > 0 ? units : throw new ArgumentException("no gesture units", nameof(units));

    /// <summary>The largest frame-to-frame move of any hand point in any unit.</summary>
    public double MaxStep => Units.Max(u => u.MaxStep);

    public static GestureUnitLibrary Builtin(double fps) => new(ProceduralUnits.All(fps));

    /// <summary>The built-in units plus every unit folder under <paramref name="folder"/> (null: built-in only).</summary>
    public static GestureUnitLibrary Load(string? folder, double fps)
    {
        var units = ProceduralUnits.All(fps).ToList();
        if (folder is null) return new GestureUnitLibrary(units);
        if (!Directory.Exists(folder)) throw new InputException(folder, "gesture units folder does not exist (expected one sub-folder of N.npy files + phases.json per unit)");
        var dirs = Directory.GetDirectories(folder).Order(StringComparer.Ordinal).ToArray();
        if (dirs.Length == 0) throw new InputException(folder, "gesture units folder has no unit sub-folders (each: N.npy files + phases.json)");
        foreach (var dir in dirs) units.Add(ReadUnit(dir));
        return new GestureUnitLibrary(units);
    }

    private static GestureUnit ReadUnit(string dir)
    {
        var phasesPath = Path.Combine(dir, PhasesFile);
        if (!File.Exists(phasesPath)) throw new InputException(phasesPath, "missing: a gesture unit needs phases.json {\"stroke_start\": S, \"apex\": A, \"stroke_end\": E}");
        int start, apex, end;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(phasesPath));
            start = json.RootElement.GetProperty("stroke_start").GetInt32();
            apex = json.RootElement.GetProperty("apex").GetInt32();
            end = json.RootElement.GetProperty("stroke_end").GetInt32();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException(phasesPath, "must be a JSON object with integer stroke_start, apex and stroke_end");
        }

        var frames = NpyPoseReader.ReadFolder(dir);
        var hands = new List<double[]>();
        double[]? previous = null;
        foreach (var frame in frames) hands.Add(previous = GestureUnit.HandsOf(frame, previous));
        FillFromFirstSeen(hands);
        return new GestureUnit(Path.GetFileName(dir), hands, start, apex, end, dir);
    }

    /// <summary>Points missing at the start take their first confident value; points never seen stay still (no motion).</summary>
    private static void FillFromFirstSeen(List<double[]> hands)
    {
        for (int v = 0; v < GestureUnit.Values; v++)
        {
            int first = hands.FindIndex(h => !double.IsNaN(h[v]));
            double value = first < 0 ? 0 : hands[first][v];
            for (int t = 0; t < (first < 0 ? hands.Count : first); t++) hands[t][v] = value;
        }
    }
}
