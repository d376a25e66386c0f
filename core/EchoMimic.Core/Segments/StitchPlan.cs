namespace EchoMimic.Core.Segments;

/// <summary>
/// For every output frame, which rendered frames make it and with what weight. Inside a segment's owned range
/// away from seams one source has weight 1; across a seam at frame b the 2·O frames [b − O, b + O) were rendered
/// by both neighbours and are blended linearly (left weight falls from ~1 to ~0), so no frame jumps between two
/// independently denoised sequences.
/// </summary>
public sealed class StitchPlan
{
    private readonly SegmentPlan plan;

    public StitchPlan(SegmentPlan plan) => this.plan = plan;

    public int FrameCount => plan.FrameCount;

    /// <summary>Global frame indices where one segment's owned range hands over to the next.</summary>
    public IReadOnlyList<int> Seams => plan.Segments.Skip(1).Select(segment => segment.Start).ToArray();

    /// <summary>The sources of global frame <paramref name="frame"/>; weights sum to 1.</summary>
    public IReadOnlyList<FrameSource> SourcesOf(int frame)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frame, plan.FrameCount);
        var segments = plan.Segments;
        var owner = 0;
        while (owner < segments.Count - 1 && frame >= segments[owner].End)
        {
            owner++;
        }

        var current = segments[owner];
        var blendHalf = plan.Overlap;
        if (owner > 0 && frame < current.Start + blendHalf)
        {
            return Blend(segments[owner - 1], current, frame, current.Start, blendHalf);
        }

        if (owner < segments.Count - 1 && frame >= current.End - blendHalf)
        {
            return Blend(current, segments[owner + 1], frame, current.End, blendHalf);
        }

        return [new FrameSource(current.Index, frame - current.RenderStart, 1.0)];
    }

    private static FrameSource[] Blend(Segment left, Segment right, int frame, int seam, int half)
    {
        // Weight of the right segment rises linearly over the 2·half frames centred on the seam.
        var rightWeight = (frame - (seam - half) + 0.5) / (2.0 * half);
        return
        [
            new FrameSource(left.Index, frame - left.RenderStart, 1.0 - rightWeight),
            new FrameSource(right.Index, frame - right.RenderStart, rightWeight),
        ];
    }
}
