using System.Diagnostics;
using EchoMimic.Inference.Audio;

namespace EchoMimic.Inference.Tests.Gestures.Composition;

/// <summary>
/// Speech made at test time with known structure: word by word with espeak-ng (stressed words loud and high, the
/// others quiet and low), joined in memory with known silences; and a ~2-minute speech of the official sample clips
/// joined with known silences.
/// </summary>
internal sealed class TestSpeech
{
    public const int Rate = AudioFileDecoder.SampleRate;

    public required float[] Samples { get; init; }

    /// <summary>
    /// Each stressed word's stressed-syllable onset (s): where the word was placed plus the strongest spectral-flux
    /// onset (<see cref="SpeechMeasures.FluxOnsets"/>) of the word on its own.
    /// </summary>
    public List<double> StressedOnsets { get; } = [];

    /// <summary>Every word (start s, end s, stressed).</summary>
    public List<(double Start, double End, bool Stressed)> Words { get; } = [];

    /// <summary>The silences inserted between words or clips (start s, end s).</summary>
    public List<(double Start, double End)> InsertedSilences { get; } = [];

    public double Seconds => Samples.Length / (double)Rate;

    /// <summary>Words in upper case are stressed; "|0.8" inserts 0.8 s of silence.</summary>
    public static TestSpeech HandMade(string folder, string script)
    {
        var samples = new List<float>();
        var stressed = new List<double>();
        var silences = new List<(double, double)>();
        var words = new List<(double, double, bool)>();
        int index = 0;
        foreach (var token in script.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.StartsWith('|'))
            {
                double seconds = double.Parse(token[1..], System.Globalization.CultureInfo.InvariantCulture);
                silences.Add((samples.Count / (double)Rate, samples.Count / (double)Rate + seconds));
                samples.AddRange(new float[(int)(seconds * Rate)]);
                continue;
            }
            bool stress = token.Any(char.IsUpper);
            var wav = Path.Combine(folder, $"word{index++}.wav");
            Espeak(wav, token.ToLowerInvariant(), amplitude: stress ? 190 : 35, pitch: stress ? 75 : 35);
            var word = Trim(AudioFileDecoder.Decode(wav));
            if (stress) stressed.Add(samples.Count / (double)Rate + SpeechMeasures.StrongestOnset(word));
            words.Add((samples.Count / (double)Rate, (samples.Count + word.Length) / (double)Rate, stress));
            samples.AddRange(word);
            samples.AddRange(new float[(int)(0.07 * Rate)]);
        }
        var speech = new TestSpeech { Samples = samples.ToArray() };
        speech.StressedOnsets.AddRange(stressed);
        speech.InsertedSilences.AddRange(silences);
        speech.Words.AddRange(words);
        return speech;
    }

    /// <summary>The official sample clips, <paramref name="rounds"/> times in rotating order, with 0.3 / 0.6 / 0.9 s silences between.</summary>
    public static TestSpeech? OfficialTwoMinutes(int rounds = 6)
    {
        var shared = RepositoryRoot.Shared();
        var dir = shared is null ? null : Path.Combine(shared, "samples", "echomimicv2", "audio");
        if (dir is null || !Directory.Exists(dir)) return null;
        var clips = Directory.GetFiles(dir, "*.wav").Order(StringComparer.Ordinal).Select(f => AudioFileDecoder.Decode(f)).ToArray();
        if (clips.Length == 0) return null;
        var samples = new List<float>();
        var silences = new List<(double, double)>();
        double[] gaps = [0.3, 0.6, 0.9];
        for (int r = 0; r < rounds; r++)
            for (int c = 0; c < clips.Length; c++)
            {
                samples.AddRange(clips[(c + r) % clips.Length]);
                double gap = gaps[(r * clips.Length + c) % gaps.Length];
                silences.Add((samples.Count / (double)Rate, samples.Count / (double)Rate + gap));
                samples.AddRange(new float[(int)(gap * Rate)]);
            }
        var speech = new TestSpeech { Samples = samples.ToArray() };
        speech.InsertedSilences.AddRange(silences);
        return speech;
    }

    /// <summary>The word without espeak's leading and trailing silence (below 2 % of its peak).</summary>
    private static float[] Trim(float[] word)
    {
        float peak = word.Max(Math.Abs);
        int start = Array.FindIndex(word, s => Math.Abs(s) > 0.02f * peak);
        int end = Array.FindLastIndex(word, s => Math.Abs(s) > 0.02f * peak);
        return word[start..(end + 1)];
    }

    private static void Espeak(string wav, string word, int amplitude, int pitch)
    {
        var info = new ProcessStartInfo("espeak-ng") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "en-us", "-s", "160", "-a", amplitude.ToString(), "-p", pitch.ToString(), "-w", wav, word }) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start espeak-ng");
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"espeak-ng failed: {errors}");
    }
}
