using EchoMimic.Inference.Pose;
using EchoMimic.Inference.Samples;

namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>
/// Composes a pose sequence for a whole speech (the pose source <c>compose</c>): the idle base everywhere, and gesture
/// units placed so that each unit's apex lands exactly on a stressed syllable onset.
/// <list type="bullet">
/// <item>Stressed onsets: the strongest within 0.5 s, and prominent among the onsets within 3 s (<see cref="Stressed"/>).</item>
/// <item>No stroke phase (stroke start to stroke end, apex included) touches a pause longer than 0.4 s; a unit's
/// retraction may run on into the pause, so the hands come to rest between phrases.</item>
/// <item>Rate and amplitude follow loudness: the chance to gesture on a stressed onset is 0.35 + 0.65 x loudness; a
/// unit starts 1.1 s (quiet) down to 0.15 s (loud) after the previous stroke ended, so its preparation may overlap the
/// previous retraction (the two displacements add); the amplitude is 0.5 + 0.45 x loudness +/- 0.08.</item>
/// <item>Variety: a seeded choice of unit (the last two used go to the back), mirror, and a time warp (slower, 1 to
/// 1.3 x, so no unit moves faster than it was drawn), on an idle base that never repeats.</item>
/// <item>A unit is added to the idle as its displacement from its own rest line, so the blend in and out is
/// continuous; its amplitude shrinks (x 0.85 per try) until every hand point is inside the frame, off the face, and
/// no point moves further in one frame than the library's own largest frame-to-frame move.</item>
/// </list>
/// </summary>
public static class GestureComposer
{
    public const string PoseSourceName = "compose";

    /// <summary>The composer's seed for a render seed (the render's 64-bit seed folded into 32 bits).</summary>
    public static int SeedOf(long renderSeed) => (int)(renderSeed ^ (renderSeed >> 32));

    /// <summary>Analyses the speech and composes <paramref name="frames"/> frames from the built-in units (or <paramref name="library"/>).</summary>
    public static GestureComposition Compose(float[] samples, double fps, int frames, int seed, GestureUnitLibrary? library = null) =>
        Compose(SpeechAnalyzer.Analyze(samples, fps, frames), library ?? GestureUnitLibrary.Builtin(fps), seed);

    public static GestureComposition Compose(SpeechAnalysis speech, GestureUnitLibrary library, int seed)
    {
        int n = speech.Frames;
        var random = new Random(seed);
        var idle = new IdleMotion(seed, speech.Fps);
        var hands = Enumerable.Range(0, n).Select(idle.At).ToArray();
        double limit = Math.Max(library.MaxStep, GestureUnit.MaxJointStep(hands));
        var face = FaceRegion.Of(GestureLibrary.Breathing(0.1)[0]);
        var placed = new List<ComposedGesture>();
        var recent = new List<string>();
        int free = 0;
        foreach (var peak in Stressed(speech))
        {
            if (speech.InLongPause(peak.Frame)) continue;
            double loudness = MeanEnergy(speech, peak.Frame - 6, peak.Frame + 6);
            int rest = placed.Count == 0 ? 0 : (int)Math.Round(speech.Fps * (1.1 - 0.95 * loudness));
            if (peak.Frame < free + rest) continue;
            if (random.NextDouble() > 0.35 + 0.65 * loudness) continue;
            var order = library.Units.OrderBy(_ => random.NextDouble()).OrderBy(u => recent.Contains(u.Name) ? 1 : 0).ToArray();
            foreach (var unit in order)
            {
                double warp = 1 + 0.3 * random.NextDouble();
                bool mirror = random.Next(2) == 1;
                double amplitude = Math.Clamp(0.5 + 0.45 * loudness + 0.16 * (random.NextDouble() - 0.5), 0.35, 0.95);
                int apexOffset = (int)Math.Round(unit.Apex * warp);
                if (unit.Apex > 0) warp = apexOffset / (double)unit.Apex;
                int start = peak.Frame - apexOffset;
                int length = (int)Math.Round((unit.Length - 1) * warp) + 1;
                if (start < free + rest || start < 0 || start + length > n) continue;
                int strokeFrom = start + (int)Math.Round(unit.StrokeStart * warp), strokeTo = start + (int)Math.Round(unit.StrokeEnd * warp);
                if (Enumerable.Range(strokeFrom, Math.Max(1, strokeTo - strokeFrom)).Any(speech.InLongPause)) continue;
                var segment = Fit(unit, hands, start, length, warp, mirror, ref amplitude, face, limit);
                if (segment is null) continue;
                for (int k = 0; k < length; k++) hands[start + k] = segment[k];
                placed.Add(new ComposedGesture(unit.Name, start, start + length, peak.Frame, peak.Frame, mirror, Math.Round(amplitude, 3), Math.Round(warp, 3)));
                recent.Add(unit.Name);
                if (recent.Count > 2) recent.RemoveAt(0);
                free = strokeTo;
                break;
            }
        }

        var frames = hands.Select((h, i) => ToFrame(i, h)).ToArray();
        return new GestureComposition(seed, speech.Fps, frames, hands, placed, speech, library.Units.Select(u => u.Name).ToArray(), limit, GestureUnit.MaxJointStep(hands));
    }

    /// <summary>The unit over the idle at the largest amplitude (from the one asked, shrinking) that keeps the rules; null if none does.</summary>
    private static double[][]? Fit(GestureUnit unit, double[][] idle, int start, int length, double warp, bool mirror, ref double amplitude,
        FaceRegion face, double limit)
    {
        var delta = new double[GestureUnit.Values];
        for (int attempt = 0; attempt < 10; attempt++, amplitude *= 0.85)
        {
            var segment = new double[length][];
            bool ok = true;
            for (int k = 0; k < length && ok; k++)
            {
                unit.DeltaAt(k / warp, mirror, delta);
                var values = new double[GestureUnit.Values];
                for (int v = 0; v < values.Length; v++) values[v] = idle[start + k][v] + amplitude * delta[v];
                segment[k] = values;
                ok = face.Allows(values) && Step(k == 0 ? (start > 0 ? idle[start - 1] : values) : segment[k - 1], values) <= limit;
            }
            if (ok && start + length < idle.Length) ok = Step(segment[^1], idle[start + length]) <= limit;
            if (ok) return segment;
        }
        return null;
    }

    /// <summary>
    /// Onsets that are the strongest within 0.5 s around them (one stress per foot), at least as strong as the median
    /// of the onsets within 3 s around them and at least 0.4 x the strongest of those, in time order.
    /// </summary>
    public static IEnumerable<SpeechPeak> Stressed(SpeechAnalysis speech)
    {
        int window = (int)Math.Round(3 * speech.Fps), foot = (int)Math.Round(0.5 * speech.Fps);
        foreach (var peak in speech.Peaks)
        {
            if (speech.Peaks.Any(p => Math.Abs(p.Frame - peak.Frame) <= foot && p.Strength > peak.Strength)) continue;
            var around = speech.Peaks.Where(p => Math.Abs(p.Frame - peak.Frame) <= window).Select(p => p.Strength).Order().ToArray();
            if (peak.Strength >= around[around.Length / 2] && peak.Strength >= 0.4 * around[^1]) yield return peak;
        }
    }

    private static double MeanEnergy(SpeechAnalysis speech, int from, int to)
    {
        from = Math.Max(0, from);
        to = Math.Min(speech.Frames - 1, to);
        double sum = 0;
        for (int f = from; f <= to; f++) sum += speech.Energy[f];
        return to >= from ? sum / (to - from + 1) : 0;
    }

    private static double Step(double[] a, double[] b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i += 2) max = Math.Max(max, Math.Sqrt((a[i] - b[i]) * (a[i] - b[i]) + (a[i + 1] - b[i + 1]) * (a[i + 1] - b[i + 1])));
        return max;
    }

    private static PoseFrame ToFrame(int index, double[] hands)
    {
        var left = new Point2[PoseFrame.HandPoints];
        var right = new Point2[PoseFrame.HandPoints];
        for (int p = 0; p < PoseFrame.HandPoints; p++)
        {
            left[p] = new Point2(hands[p * 2], hands[p * 2 + 1]);
            right[p] = new Point2(hands[(PoseFrame.HandPoints + p) * 2], hands[(PoseFrame.HandPoints + p) * 2 + 1]);
        }
        return GestureLibrary.ToFrame(index, left, right);
    }
}
