namespace EchoMimic.Core.Segments;

/// <summary>
/// One segment of a job: it owns output frames [<see cref="Start"/>, <see cref="End"/>) and renders the wider range
/// [<see cref="RenderStart"/>, <see cref="RenderEnd"/>) that adds up to O frames of overlap on each side
/// (clamped at the clip's ends) so the stitcher can blend across the seam. Frame indices are global (whole job).
/// </summary>
public sealed record Segment(int Index, int Start, int End, int RenderStart, int RenderEnd)
{
    public int OwnedFrames => End - Start;

    public int RenderedFrames => RenderEnd - RenderStart;
}
