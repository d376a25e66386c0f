namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>
/// Speech analysis for gesture timing, on the 16 kHz mono samples the engine already decodes for whisper. Works on a
/// 10 ms hop (the usual prosody rate), then maps everything onto video frames:
/// <list type="bullet">
/// <item>loudness: RMS of a 25 ms window in dB; the loud end is its 95th percentile, the noise floor its 10th but at
/// most 50 dB below the loud end (and nothing counts as quieter than the floor);</item>
/// <item>voice activity: loudness above a third of the way from floor to loud end (and at least 30 dB under the
/// loud end is never voice), gaps under 150 ms closed, blips under 60 ms dropped;</item>
/// <item>onsets: the positive slope of the 30 ms-smoothed loudness over 20 ms, peaks picked at least 120 ms apart and
/// above the mean of the slope over voiced speech;</item>
/// <item>pitch: normalised autocorrelation over 40 ms at each video frame, 70-400 Hz, accepted above 0.35;</item>
/// <item>stress weight of an onset: slope x (loudness of the next 150 ms)^2 x (1 + how far its pitch rises above
/// the speech's median pitch): stressed syllables are louder and higher.</item>
/// </list>
/// </summary>
public static class SpeechAnalyzer
{
    public const int SampleRate = 16000;
    public const double LongPauseSeconds = 0.4;
    private const int Hop = 160;
    private const int Window = 400;

    public static SpeechAnalysis Analyze(float[] samples, double fps, int frames)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (fps <= 0) throw new ArgumentOutOfRangeException(nameof(fps));
        int hops = Math.Max(1, samples.Length / Hop);
        var db = new double[hops];
        for (int h = 0; h < hops; h++)
        {
            int start = Math.Max(0, h * Hop + Hop / 2 - Window / 2);
            int end = Math.Min(samples.Length, start + Window);
            double sum = 0;
            for (int i = start; i < end; i++) sum += samples[i] * (double)samples[i];
            db[h] = 10 * Math.Log10(sum / Math.Max(1, end - start) + 1e-10);
        }

        var sorted = db.Order().ToArray();
        double loud = sorted[(int)(0.95 * (hops - 1))];
        // Digital silence (-100 dB) between clips would make every word's rise look huge: the floor is at most 50 dB down.
        double floor = Math.Max(sorted[(int)(0.10 * (hops - 1))], loud - 50);
        for (int h = 0; h < hops; h++) db[h] = Math.Max(db[h], floor);
        double threshold = Math.Max(floor + (loud - floor) / 3, loud - 30);
        var voicedHop = db.Select(d => d > threshold).ToArray();
        FillRuns(voicedHop, value: false, shorterThan: 15);
        FillRuns(voicedHop, value: true, shorterThan: 6);

        var smooth = MovingAverage(db, 1);
        var slope = new double[hops];
        for (int h = 2; h < hops; h++) slope[h] = Math.Max(0, smooth[h] - smooth[h - 2]);
        var voicedSlopes = slope.Where((_, h) => voicedHop[h]).ToArray();
        double slopeFloor = voicedSlopes.Length > 0 ? voicedSlopes.Average() : double.PositiveInfinity;

        double HopToFrame(int h) => (h * Hop + Hop / 2.0) / SampleRate * fps;
        var voiced = new bool[frames];
        var energy = new double[frames];
        var pitch = new double[frames];
        for (int f = 0; f < frames; f++)
        {
            int h0 = (int)Math.Floor(f / fps * SampleRate / Hop), h1 = (int)Math.Floor((f + 1) / fps * SampleRate / Hop);
            h0 = Math.Clamp(h0, 0, hops - 1);
            h1 = Math.Clamp(Math.Max(h1, h0 + 1), h0 + 1, hops);
            int voicedCount = 0;
            double level = 0;
            for (int h = h0; h < h1; h++) { voicedCount += voicedHop[h] ? 1 : 0; level += db[h]; }
            voiced[f] = voicedCount * 2 >= h1 - h0;
            energy[f] = Math.Clamp((level / (h1 - h0) - floor) / Math.Max(1e-6, loud - floor), 0, 1);
            pitch[f] = voiced[f] ? Pitch(samples, (int)((f + 0.5) / fps * SampleRate)) : 0;
        }

        var voicedPitches = pitch.Where(p => p > 0).Order().ToArray();
        double medianPitch = voicedPitches.Length > 0 ? voicedPitches[voicedPitches.Length / 2] : 0;
        var peaks = new List<SpeechPeak>();
        int lastHop = int.MinValue / 2;
        for (int h = 2; h < hops - 1; h++)
        {
            if (!voicedHop[Math.Min(hops - 1, h + 3)] && !voicedHop[h]) continue;
            if (slope[h] <= slopeFloor || !IsLocalMax(slope, h, 6)) continue;
            int frame = (int)Math.Round(HopToFrame(h));
            if (frame >= frames) continue;
            double after = 0;
            for (int k = h; k < Math.Min(hops, h + 15); k++) after += Math.Clamp((db[k] - floor) / Math.Max(1e-6, loud - floor), 0, 1);
            after /= 15;
            int pitchFrame = Math.Min(frames - 1, frame + 2);
            double rise = medianPitch > 0 && pitch[pitchFrame] > 0 ? Math.Max(0, pitch[pitchFrame] / medianPitch - 1) : 0;
            double strength = slope[h] * after * after * (1 + rise);
            if (h - lastHop < 12)
            {
                if (strength > peaks[^1].Strength) { peaks[^1] = new SpeechPeak(frame, strength); lastHop = h; }
                continue;
            }
            peaks.Add(new SpeechPeak(frame, strength));
            lastHop = h;
        }

        return new SpeechAnalysis(fps, frames, voiced, energy, pitch, peaks, LongPauses(voiced, fps));
    }

    private static List<SpeechPause> LongPauses(bool[] voiced, double fps)
    {
        var pauses = new List<SpeechPause>();
        for (int f = 0; f < voiced.Length;)
        {
            if (voiced[f]) { f++; continue; }
            int start = f;
            while (f < voiced.Length && !voiced[f]) f++;
            double seconds = (f - start) / fps;
            if (seconds > LongPauseSeconds) pauses.Add(new SpeechPause(start, f, Math.Round(seconds, 3)));
        }
        return pauses;
    }

    /// <summary>Normalised autocorrelation pitch around <paramref name="centre"/>; 0 when no period is clear enough.</summary>
    private static double Pitch(float[] samples, int centre)
    {
        const int length = 640, minLag = SampleRate / 400, maxLag = SampleRate / 70;
        int start = centre - length / 2;
        if (start < 0 || start + length + maxLag > samples.Length) return 0;
        double best = 0;
        int bestLag = 0;
        for (int lag = minLag; lag <= maxLag; lag++)
        {
            double xy = 0, xx = 0, yy = 0;
            for (int i = start; i < start + length; i++)
            {
                double x = samples[i], y = samples[i + lag];
                xy += x * y; xx += x * x; yy += y * y;
            }
            double r = xy / Math.Sqrt(xx * yy + 1e-12);
            if (r > best) { best = r; bestLag = lag; }
        }
        return best > 0.35 ? SampleRate / (double)bestLag : 0;
    }

    private static bool IsLocalMax(double[] values, int index, int radius)
    {
        for (int k = Math.Max(0, index - radius); k <= Math.Min(values.Length - 1, index + radius); k++)
            if (values[k] > values[index] || (values[k] == values[index] && k < index)) return false;
        return true;
    }

    private static double[] MovingAverage(double[] values, int radius)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double sum = 0;
            int n = 0;
            for (int k = Math.Max(0, i - radius); k <= Math.Min(values.Length - 1, i + radius); k++) { sum += values[k]; n++; }
            result[i] = sum / n;
        }
        return result;
    }

    /// <summary>Sets runs of <paramref name="value"/> shorter than <paramref name="shorterThan"/> hops (not at the ends) to the other value.</summary>
    private static void FillRuns(bool[] flags, bool value, int shorterThan)
    {
        for (int i = 0; i < flags.Length;)
        {
            if (flags[i] != value) { i++; continue; }
            int start = i;
            while (i < flags.Length && flags[i] == value) i++;
            if (start > 0 && i < flags.Length && i - start < shorterThan)
                for (int k = start; k < i; k++) flags[k] = !value;
        }
    }
}
