using System.Text.Json.Nodes;

namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>The <c>composition</c> section of report.json (and of <c>pose compose</c>'s DIR.composition.json).</summary>
public static class CompositionReport
{
    public static JsonObject ToJson(GestureComposition composition, string? unitsFolder)
    {
        var speech = composition.Speech;
        var gestures = new JsonArray();
        foreach (var g in composition.Gestures)
        {
            gestures.Add(new JsonObject
            {
                ["unit"] = g.Unit,
                ["start_frame"] = g.Start,
                ["end_frame"] = g.End,
                ["stroke_frame"] = g.Stroke,
                ["stroke_seconds"] = Math.Round(g.Stroke / composition.Fps, 3),
                ["stress_peak_frame"] = g.Peak,
                ["mirrored"] = g.Mirrored,
                ["amplitude"] = g.Amplitude,
                ["warp"] = g.Warp,
            });
        }

        var pauses = new JsonArray();
        foreach (var p in speech.Pauses) pauses.Add(new JsonObject { ["start_frame"] = p.Start, ["end_frame"] = p.End, ["seconds"] = p.Seconds });
        return new JsonObject
        {
            ["source"] = "compose",
            ["seed"] = composition.Seed,
            ["fps"] = composition.Fps,
            ["frames"] = composition.Frames.Count,
            ["units_folder"] = unitsFolder,
            ["units"] = new JsonArray(composition.Units.Select(u => (JsonNode?)JsonValue.Create(u)).ToArray()),
            ["speech"] = new JsonObject
            {
                ["voiced_seconds"] = Math.Round(speech.Voiced.Count(v => v) / composition.Fps, 3),
                ["onsets"] = speech.Peaks.Count,
                ["stressed_onsets"] = GestureComposer.Stressed(speech).Count(),
                ["pauses_over_0_4_s"] = pauses,
            },
            ["gestures"] = gestures,
            ["library_max_step"] = Math.Round(composition.LibraryMaxStep, 6),
            ["max_step"] = Math.Round(composition.MaxStep, 6),
        };
    }
}
