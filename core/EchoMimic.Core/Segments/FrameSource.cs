namespace EchoMimic.Core.Segments;

/// <summary>One contribution to an output frame: frame <paramref name="LocalFrame"/> of segment <paramref name="SegmentIndex"/>'s clip.</summary>
public sealed record FrameSource(int SegmentIndex, int LocalFrame, double Weight);
