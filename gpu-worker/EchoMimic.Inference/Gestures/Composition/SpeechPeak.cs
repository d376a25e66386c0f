namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>A syllable onset: the video frame where the loudness rises fastest, and how strongly it is stressed.</summary>
/// <param name="Frame">Video frame index of the onset.</param>
/// <param name="Strength">Stress weight (onset slope x loudness after it x pitch prominence); comparable within one speech.</param>
public sealed record SpeechPeak(int Frame, double Strength);
