using EchoMimic.Tests.Support;
using System.Globalization;
using System.Text;
using EchoMimic.Inference.Gestures.Composition;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Pose;
using EchoMimic.Inference.Samples;

namespace EchoMimic.Inference.Tests.Gestures.Composition;

/// <summary>
/// The composer measured against speech whose stresses and pauses the test knows independently: espeak-ng words
/// (stressed ones loud and high) with inserted silences, and a ~2-minute speech of the official sample clips, whose
/// onsets and silences come from the test's own detectors (<see cref="SpeechMeasures"/>).
/// </summary>
public sealed class GestureComposerTests(ITestOutputHelper output) : IDisposable
{
    private const double Fps = 24;
    private const int Seed = 42;
    private readonly string _folder = Directory.CreateTempSubdirectory("echomimic-compose-tests-").FullName;

    private const string Script =
        "we should TALK about the PLAN today |0.8 it is DONE and it WORKS |1.0 so the TEAM can GO on monday " +
        "|0.6 and we will BUY a CAR |1.2 thank you ALL for the BOOK";

    [Fact]
    public void Hand_made_speech_strokes_land_on_the_stressed_words_and_never_in_pauses()
    {
        var speech = TestSpeech.HandMade(_folder, Script);
        var composition = Compose(speech);
        var strokes = composition.Gestures.Select(g => g.Stroke).ToArray();
        var stressFrames = speech.StressedOnsets.Select(t => t * Fps).ToArray();
        double aligned = Histogram("stroke - stressed word onset", strokes, stressFrames);
        int inPause = strokes.Count(s => speech.InsertedSilences.Any(p => s / Fps >= p.Start && s / Fps < p.End));
        foreach (var g in composition.Gestures)
        {
            var word = speech.Words.FindIndex(w => g.Stroke / Fps >= w.Start - 0.05 && g.Stroke / Fps < w.End);
            output.WriteLine($"  {g.Unit} stroke at frame {g.Stroke} ({g.Stroke / Fps:F2} s): " +
                (word < 0 ? "between words" : $"word {word}{(speech.Words[word].Stressed ? " (stressed)" : "")}"));
        }
        output.WriteLine($"hand-made: {speech.Seconds:F1} s, {speech.StressedOnsets.Count} stressed words, {strokes.Length} strokes, " +
            $"{aligned:P0} within +/-2 frames, {inPause} strokes in the {speech.InsertedSilences.Count} inserted silences");
        Assert.True(strokes.Length >= 4, $"only {strokes.Length} strokes");
        Assert.True(aligned >= 0.8, $"{aligned:P0} of strokes within +/-2 frames of a stressed word");
        Assert.Equal(0, inPause);
    }

    [Fact]
    public void Two_minute_official_speech_meets_the_alignment_pause_and_repetition_rules()
    {
        var speech = TestSpeech.OfficialTwoMinutes();
        if (speech is null) RequiredData.Missing("official sample audio is not available (../shared/samples/echomimicv2/audio)");
        var composition = Compose(speech);
        var strokes = composition.Gestures.Select(g => g.Stroke).ToArray();

        var onsets = SpeechMeasures.FluxOnsets(speech.Samples).Select(t => t * Fps).ToArray();
        double aligned = Histogram("stroke - spectral-flux onset", strokes, onsets);
        var voicedFrames = Enumerable.Range(0, composition.Frames.Count)
            .Where(f => !speech.InsertedSilences.Any(p => f / Fps >= p.Start && f / Fps < p.End)).ToArray();
        double chance = voicedFrames.Count(f => onsets.Any(o => Math.Abs(o - f) <= 2)) / (double)voicedFrames.Length;

        var pauses = SpeechMeasures.Silences(speech.Samples, 0.4).Concat(speech.InsertedSilences.Where(p => p.End - p.Start > 0.4)).ToArray();
        int inPause = strokes.Count(s => pauses.Any(p => s / Fps >= p.Start && s / Fps < p.End));

        var (repeat, at, lag) = SpeechMeasures.LongestRepeat(composition.Hands, minLag: 12, tolerance: 1.0 / 768);
        output.WriteLine($"official 2-minute speech: {speech.Seconds:F1} s, {composition.Frames.Count} frames, {strokes.Length} strokes, " +
            $"{aligned:P1} within +/-2 frames of an onset (a random speech frame: {chance:P1}), {inPause} strokes in {pauses.Length} pauses > 0.4 s, " +
            $"longest repeated window {repeat} frames = {repeat / Fps:F2} s (frame {at} again {lag} frames later)");
        Assert.True(speech.Seconds >= 110, $"the joined speech is {speech.Seconds:F1} s");
        Assert.True(strokes.Length >= 20, $"only {strokes.Length} strokes");
        Assert.True(aligned >= 0.8, $"{aligned:P1} of strokes within +/-2 frames of an onset");
        Assert.True(aligned >= chance + 0.2, $"alignment {aligned:P1} is not clearly above chance ({chance:P1})");
        Assert.Equal(0, inPause);
        Assert.True(repeat / Fps <= 2.0, $"a window of {repeat / Fps:F2} s repeats");
    }

    [Fact]
    public void Repetition_detector_flags_the_ping_pong_extension()
    {
        var pingPong = GestureSequence.Fit(GestureLibrary.HandRaise(8.0), 2400).Select(f => GestureUnit.HandsOf(f, null)).ToArray();
        var (repeat, _, _) = SpeechMeasures.LongestRepeat(pingPong, minLag: 12, tolerance: 1.0 / 768);
        output.WriteLine($"ping-pong of hand_raise over 100 s: longest repeated window {repeat / Fps:F2} s");
        Assert.True(repeat / Fps > 2.0);
    }

    [Fact]
    public void Composition_is_continuous_inside_the_frame_and_off_the_face()
    {
        var composition = Compose(TestSpeech.HandMade(_folder, Script));
        var library = GestureUnitLibrary.Builtin(Fps);
        double unitMax = library.Units.Max(u => SpeechMeasures.MaxJointVelocity(u.Hands));
        var hands = composition.Frames.Select(f => GestureUnit.HandsOf(f, null)).ToArray();
        double composedMax = SpeechMeasures.MaxJointVelocity(hands);
        output.WriteLine($"max joint velocity: composed {composedMax * 768:F2} px/frame at 768, units {unitMax * 768:F2}");
        Assert.True(composedMax <= unitMax, $"composed {composedMax} > units {unitMax}");
        foreach (var frame in composition.Frames)
        {
            var face = frame.Faces.Data;
            double l = Enumerable.Range(0, 68).Min(k => face[2 * k]), r = Enumerable.Range(0, 68).Max(k => face[2 * k]);
            double t = Enumerable.Range(0, 68).Min(k => face[2 * k + 1]), b = Enumerable.Range(0, 68).Max(k => face[2 * k + 1]);
            for (int hand = 0; hand < 2; hand++)
                for (int p = 0; p < PoseFrame.HandPoints; p++)
                {
                    double x = frame.HandX(hand, p), y = frame.HandY(hand, p);
                    Assert.InRange(x, 0, 1);
                    Assert.InRange(y, 0, 1);
                    Assert.False(x > l && x < r && y > t && y < b, $"frame {frame.Num}: hand point ({x:F3}, {y:F3}) on the face");
                }
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_composition_and_another_seed_another()
    {
        var speech = TestSpeech.HandMade(_folder, Script);
        var a = Compose(speech, Seed);
        var b = Compose(speech, Seed);
        var c = Compose(speech, Seed + 1);
        Assert.Equal(a.Gestures, b.Gestures);
        Assert.True(a.Hands.Zip(b.Hands).All(p => p.First.SequenceEqual(p.Second)));
        Assert.NotEqual(a.Gestures, c.Gestures);
    }

    [Fact]
    public void Composition_is_as_long_as_asked_and_reads_back_from_the_official_npy_format()
    {
        var speech = TestSpeech.HandMade(_folder, "the PLAN is READY");
        int frames = (int)Math.Ceiling(speech.Seconds * Fps);
        var composition = GestureComposer.Compose(speech.Samples, Fps, frames, Seed);
        Assert.Equal(frames, composition.Frames.Count);
        var dir = Path.Combine(_folder, "npy");
        NpyPoseWriter.WriteFolder(dir, composition.Frames);
        var back = NpyPoseReader.ReadFolder(dir);
        Assert.Equal(frames, back.Count);
        for (int f = 0; f < frames; f += 7)
        {
            Assert.Equal(composition.Frames[f].Hands.Data, back[f].Hands.Data);
            Assert.Equal(PoseMapRenderer.DrawSelectV2(composition.Frames[f], 256, 256), PoseMapRenderer.DrawSelectV2(back[f], 256, 256));
        }
    }

    private static GestureComposition Compose(TestSpeech speech, int seed = Seed) =>
        GestureComposer.Compose(speech.Samples, Fps, (int)(speech.Seconds * Fps), seed);

    /// <summary>Prints the histogram of each stroke's offset (frames) to the nearest reference; returns the share within +/-2.</summary>
    private double Histogram(string title, int[] strokes, double[] references)
    {
        var offsets = strokes.Select(s => references.Length == 0 ? 99 : (int)Math.Round(references.MinBy(r => Math.Abs(r - s)) - s) * -1).ToArray();
        var text = new StringBuilder($"{title} (frames):");
        foreach (var bin in Enumerable.Range(-6, 13))
            text.Append(CultureInfo.InvariantCulture, $" {bin:+0;-0;0}:{offsets.Count(o => o == bin)}");
        text.Append(CultureInfo.InvariantCulture, $" beyond:{offsets.Count(o => Math.Abs(o) > 6)}");
        output.WriteLine(text.ToString());
        return strokes.Length == 0 ? 0 : offsets.Count(o => Math.Abs(o) <= 2) / (double)strokes.Length;
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
