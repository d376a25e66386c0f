using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.Gestures.Composition;

/// <summary>A composed pose sequence and how it was made (what report.json records).</summary>
/// <param name="Hands">Per frame, the 84 hand values (see <see cref="GestureUnit.Hands"/>).</param>
/// <param name="LibraryMaxStep">The largest frame-to-frame hand-point move in the units and the idle base.</param>
/// <param name="MaxStep">The largest frame-to-frame hand-point move in the composition.</param>
public sealed record GestureComposition(
    int Seed,
    double Fps,
    IReadOnlyList<PoseFrame> Frames,
    IReadOnlyList<double[]> Hands,
    IReadOnlyList<ComposedGesture> Gestures,
    SpeechAnalysis Speech,
    IReadOnlyList<string> Units,
    double LibraryMaxStep,
    double MaxStep);
