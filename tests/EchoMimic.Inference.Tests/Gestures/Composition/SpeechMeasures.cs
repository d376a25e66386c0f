namespace EchoMimic.Inference.Tests.Gestures.Composition;

/// <summary>
/// The test's own measures of speech and motion, written independently of the composer: a spectral-flux onset
/// detector (the composer uses the slope of the loudness envelope instead), a silence detector, a repetition detector
/// and a joint-velocity measure.
/// </summary>
internal static class SpeechMeasures
{
    private const int Rate = 16000, Hop = 160, Size = 512;

    /// <summary>
    /// Onset times (s): log-magnitude spectral flux of a 512-point Hann STFT on a 10 ms hop, peaks that are the
    /// largest within +/-50 ms and exceed the flux's mean + <see cref="Threshold"/> standard deviations over the
    /// surrounding 3 s.
    /// </summary>
    public static List<double> FluxOnsets(float[] samples)
    {
        var flux = Flux(samples);
        int hops = flux.Length;
        var onsets = new List<double>();
        for (int h = 1; h < hops; h++)
        {
            bool isMax = true;
            for (int k = Math.Max(0, h - 5); k <= Math.Min(hops - 1, h + 5) && isMax; k++) isMax = flux[k] < flux[h] || (flux[k] == flux[h] && k >= h);
            if (!isMax) continue;
            int from = Math.Max(0, h - 150), to = Math.Min(hops, h + 150);
            double mean = 0, square = 0;
            for (int k = from; k < to; k++) { mean += flux[k]; square += flux[k] * flux[k]; }
            mean /= to - from;
            double sd = Math.Sqrt(Math.Max(0, square / (to - from) - mean * mean));
            // The STFT frame starts at h * Hop; its centre is where the new energy sits.
            if (flux[h] > mean + Threshold * sd) onsets.Add((h * Hop + Size / 2.0) / Rate);
        }
        return onsets;
    }

    /// <summary>Peaks must exceed the local mean by this many local standard deviations.</summary>
    public const double Threshold = 1.0;

    private static double[] Flux(float[] samples)
    {
        int hops = (samples.Length - Size) / Hop;
        var previous = new double[Size / 2];
        var flux = new double[Math.Max(0, hops)];
        var re = new double[Size];
        var im = new double[Size];
        for (int h = 0; h < hops; h++)
        {
            for (int i = 0; i < Size; i++)
            {
                re[i] = samples[h * Hop + i] * (0.5 - 0.5 * Math.Cos(2 * Math.PI * i / Size));
                im[i] = 0;
            }
            Fft(re, im);
            double sum = 0;
            for (int k = 1; k < Size / 2; k++)
            {
                double magnitude = Math.Log(1 + 100 * Math.Sqrt(re[k] * re[k] + im[k] * im[k]));
                sum += Math.Max(0, magnitude - previous[k]);
                previous[k] = magnitude;
            }
            flux[h] = sum;
        }
        return flux;
    }

    /// <summary>The time (s) of the largest spectral-flux value of a clip (0.1 s of silence is put before it so its first sound counts).</summary>
    public static double StrongestOnset(float[] clip)
    {
        const double lead = 0.1;
        var padded = new float[(int)(lead * Rate) + clip.Length + Size];
        clip.CopyTo(padded, (int)(lead * Rate));
        var flux = Flux(padded);
        int best = Array.IndexOf(flux, flux.Max());
        return (best * Hop + Size / 2.0) / Rate - lead;
    }

    /// <summary>Silences (start s, end s) longer than <paramref name="minSeconds"/>: 20 ms RMS 35 dB under the 95th percentile.</summary>
    public static List<(double Start, double End)> Silences(float[] samples, double minSeconds)
    {
        const int block = 320;
        int blocks = samples.Length / block;
        var db = new double[blocks];
        for (int b = 0; b < blocks; b++)
        {
            double sum = 0;
            for (int i = b * block; i < (b + 1) * block; i++) sum += samples[i] * (double)samples[i];
            db[b] = 10 * Math.Log10(sum / block + 1e-12);
        }
        double loud = db.Order().ElementAt((int)(0.95 * (blocks - 1)));
        var result = new List<(double, double)>();
        for (int b = 0; b < blocks;)
        {
            if (db[b] >= loud - 35) { b++; continue; }
            int start = b;
            while (b < blocks && db[b] < loud - 35) b++;
            if ((b - start) * block / (double)Rate > minSeconds) result.Add((start * block / (double)Rate, b * block / (double)Rate));
        }
        return result;
    }

    /// <summary>
    /// The longest run of frames (in frames) that appears twice at least <paramref name="minLag"/> frames apart with every
    /// hand value within <paramref name="tolerance"/>.
    /// </summary>
    public static (int Length, int At, int Lag) LongestRepeat(IReadOnlyList<double[]> frames, int minLag, double tolerance)
    {
        (int Length, int At, int Lag) best = (0, 0, 0);
        for (int lag = minLag; lag < frames.Count; lag++)
        {
            int run = 0;
            for (int i = 0; i + lag < frames.Count; i++)
            {
                run = Same(frames[i], frames[i + lag], tolerance) ? run + 1 : 0;
                if (run > best.Length) best = (run, i - run + 1, lag);
            }
        }
        return best;
    }

    /// <summary>The largest move of one hand point between consecutive frames.</summary>
    public static double MaxJointVelocity(IReadOnlyList<double[]> frames)
    {
        double max = 0;
        for (int t = 1; t < frames.Count; t++)
            for (int i = 0; i + 1 < frames[t].Length; i += 2)
                max = Math.Max(max, Math.Sqrt(Math.Pow(frames[t][i] - frames[t - 1][i], 2) + Math.Pow(frames[t][i + 1] - frames[t - 1][i + 1], 2)));
        return max;
    }

    private static bool Same(double[] a, double[] b, double tolerance)
    {
        for (int i = 0; i < a.Length; i++) if (Math.Abs(a[i] - b[i]) > tolerance) return false;
        return true;
    }

    private static void Fft(double[] re, double[] im)
    {
        int n = re.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j) { (re[i], re[j]) = (re[j], re[i]); (im[i], im[j]) = (im[j], im[i]); }
        }
        for (int length = 2; length <= n; length <<= 1)
        {
            double angle = -2 * Math.PI / length;
            for (int i = 0; i < n; i += length)
                for (int k = 0; k < length / 2; k++)
                {
                    double wr = Math.Cos(angle * k), wi = Math.Sin(angle * k);
                    int a = i + k, b = i + k + length / 2;
                    double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr; im[b] = im[a] - xi;
                    re[a] += xr; im[a] += xi;
                }
        }
    }
}
