namespace EchoMimic.Core.Segments;

/// <summary>
/// Splits a job's frames into segments that workers render in parallel (docs/segments.md justifies the numbers).
/// Each segment owns a contiguous range; it renders <see cref="Overlap"/> extra frames on each side (clamped at the
/// clip's ends) for the stitcher to blend. Segment lengths are balanced, never a short tail: n = round(F / S)
/// segments (at least 1) with boundaries at ⌊k·F/n⌋.
/// </summary>
public sealed class SegmentPlanner
{
    /// <summary>
    /// The official pipeline's context window (pipeline_echomimicv2.py: context_frames=12); one full window of
    /// overlap gives the blend region the same temporal context the whole-clip run averages over.
    /// </summary>
    public const int MinimumOverlap = 12;

    /// <summary>5 s at 24 fps: overlap overhead 2·12/120 = 20 % for interior segments, see docs/segments.md.</summary>
    public const int DefaultSegmentLength = 120;

    public SegmentPlanner(int segmentLength = DefaultSegmentLength, int overlap = MinimumOverlap)
    {
        if (ProblemWith(segmentLength, overlap) is { } problem)
        {
            throw new ArgumentOutOfRangeException(overlap < MinimumOverlap ? nameof(overlap) : nameof(segmentLength), problem);
        }

        SegmentLength = segmentLength;
        Overlap = overlap;
    }

    /// <summary>
    /// Why a segment length and overlap cannot be planned with, or null. Intake calls this so a job that could never
    /// be planned is rejected before anything starts, instead of failing after its Prepare.
    /// </summary>
    public static string? ProblemWith(int segmentLength, int overlap) =>
        overlap < MinimumOverlap ? $"overlap must be at least one context window ({MinimumOverlap} frames), got {overlap}"
        : segmentLength < 2 * overlap ? $"segment length must be at least twice the overlap ({2 * overlap} frames), got {segmentLength}"
        : null;

    public int SegmentLength { get; }

    public int Overlap { get; }

    public SegmentPlan Plan(int frameCount)
    {
        if (frameCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frameCount), frameCount, "a job needs at least one frame");
        }

        var count = Math.Max(1, (int)Math.Round((double)frameCount / SegmentLength, MidpointRounding.AwayFromZero));

        // Keep every owned range at least as long as the blend region, so a blend never reaches past a neighbour.
        count = Math.Min(count, Math.Max(1, frameCount / (2 * Overlap)));
        var segments = new Segment[count];
        for (var k = 0; k < count; k++)
        {
            var start = (int)((long)k * frameCount / count);
            var end = (int)((long)(k + 1) * frameCount / count);
            segments[k] = new Segment(k, start, end, Math.Max(0, start - Overlap), Math.Min(frameCount, end + Overlap));
        }

        return new SegmentPlan(frameCount, SegmentLength, Overlap, segments);
    }
}
