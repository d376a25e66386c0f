namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>One unit placed in the composition: frames [Start, End), its apex on frame <see cref="Stroke"/>.</summary>
/// <param name="Peak">The stressed onset the stroke was aimed at (video frame).</param>
public sealed record ComposedGesture(string Unit, int Start, int End, int Stroke, int Peak, bool Mirrored, double Amplitude, double Warp);
