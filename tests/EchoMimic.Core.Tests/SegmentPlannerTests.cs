using EchoMimic.Core.Segments;

namespace EchoMimic.Core.Tests;

public sealed class SegmentPlannerTests
{
    public static TheoryData<int> FrameCounts()
    {
        var data = new TheoryData<int>();
        foreach (var frames in new[] { 1, 11, 12, 23, 24, 25, 48, 59, 60, 61, 119, 120, 179, 180, 181, 240, 479, 480, 481, 1000, 2399, 7201 })
        {
            data.Add(frames);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FrameCounts))]
    public void Owned_ranges_tile_the_clip_and_render_ranges_add_the_overlap(int frames)
    {
        var planner = new SegmentPlanner();

        var plan = planner.Plan(frames);

        Assert.Equal(0, plan.Segments[0].Start);
        Assert.Equal(frames, plan.Segments[^1].End);
        for (var k = 0; k < plan.Segments.Count; k++)
        {
            var segment = plan.Segments[k];
            Assert.Equal(k, segment.Index);
            Assert.True(segment.End > segment.Start);
            Assert.Equal(Math.Max(0, segment.Start - 12), segment.RenderStart);
            Assert.Equal(Math.Min(frames, segment.End + 12), segment.RenderEnd);
            if (k > 0)
            {
                Assert.Equal(plan.Segments[k - 1].End, segment.Start);
                // Both neighbours rendered the 2·O frames around the seam.
                Assert.True(plan.Segments[k - 1].RenderEnd - segment.RenderStart >= 24);
            }

            if (plan.Segments.Count > 1)
            {
                Assert.True(segment.OwnedFrames >= 24, $"segment {k} owns {segment.OwnedFrames} frames");
            }
        }
    }

    [Theory]
    [InlineData(480, 4)] // a 20 s clip at 24 fps
    [InlineData(120, 1)]
    [InlineData(179, 1)] // 1.49 segments: one segment, no seam
    [InlineData(180, 2)] // 1.5 rounds up
    [InlineData(7200, 60)] // 5 minutes
    public void Segment_count_is_the_rounded_ratio_to_the_segment_length(int frames, int expected)
    {
        Assert.Equal(expected, new SegmentPlanner().Plan(frames).Segments.Count);
    }

    [Fact]
    public void Lengths_are_balanced_rather_than_leaving_a_short_tail()
    {
        var plan = new SegmentPlanner().Plan(500);

        Assert.Equal([125, 125, 125, 125], plan.Segments.Select(s => s.OwnedFrames));
    }

    [Fact]
    public void Overlap_below_one_context_window_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentPlanner(120, 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentPlanner(23, 12));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentPlanner().Plan(0));
    }

    [Fact]
    public void Overhead_of_a_20_second_clip_is_under_a_fifth()
    {
        var plan = new SegmentPlanner().Plan(480);

        // 4 segments: two ends render 120+12, two interiors 120+24 → 552 / 480.
        Assert.Equal(552, plan.RenderedFrames);
        Assert.Equal(1.15, plan.Overhead, 3);
    }
}
