namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>A run of silence between phrases, in video frames [<paramref name="Start"/>, <paramref name="End"/>).</summary>
public sealed record SpeechPause(int Start, int End, double Seconds);
