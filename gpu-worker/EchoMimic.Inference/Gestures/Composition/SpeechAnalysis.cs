namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>
/// What the gesture composer reads from the speech, per video frame: voice activity, loudness (0 = the speech's
/// noise floor, 1 = its loud end), pitch (Hz, 0 where unvoiced), the syllable onsets with their stress weights, and
/// the pauses longer than <see cref="SpeechAnalyzer.LongPauseSeconds"/>.
/// </summary>
public sealed record SpeechAnalysis(
    double Fps,
    int Frames,
    bool[] Voiced,
    double[] Energy,
    double[] Pitch,
    IReadOnlyList<SpeechPeak> Peaks,
    IReadOnlyList<SpeechPause> Pauses)
{
    /// <summary>True when <paramref name="frame"/> lies inside a pause longer than the long-pause limit.</summary>
    public bool InLongPause(int frame) => Pauses.Any(p => frame >= p.Start && frame < p.End);
}
