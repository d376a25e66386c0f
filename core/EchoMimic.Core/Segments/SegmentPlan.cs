namespace EchoMimic.Core.Segments;

/// <summary>A job's frames split into overlapping segments (see <see cref="SegmentPlanner"/>).</summary>
public sealed record SegmentPlan(int FrameCount, int SegmentLength, int Overlap, IReadOnlyList<Segment> Segments)
{
    public int RenderedFrames => Segments.Sum(segment => segment.RenderedFrames);

    /// <summary>Rendered frames per output frame: the price of splitting (1 for a single segment).</summary>
    public double Overhead => FrameCount == 0 ? 0 : (double)RenderedFrames / FrameCount;
}
