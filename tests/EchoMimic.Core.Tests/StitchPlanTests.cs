using EchoMimic.Core.Segments;

namespace EchoMimic.Core.Tests;

public sealed class StitchPlanTests
{
    [Theory]
    [InlineData(30)]
    [InlineData(180)]
    [InlineData(481)]
    [InlineData(1000)]
    public void Every_frame_comes_from_rendered_frames_with_weights_summing_to_one(int frames)
    {
        var plan = new SegmentPlanner().Plan(frames);
        var stitch = new StitchPlan(plan);

        for (var f = 0; f < frames; f++)
        {
            var sources = stitch.SourcesOf(f);
            Assert.Equal(1.0, sources.Sum(s => s.Weight), 9);
            foreach (var source in sources)
            {
                var segment = plan.Segments[source.SegmentIndex];
                Assert.InRange(source.LocalFrame, 0, segment.RenderedFrames - 1);
                Assert.Equal(f, segment.RenderStart + source.LocalFrame);
                Assert.InRange(source.Weight, 0.0, 1.0);
            }
        }
    }

    [Fact]
    public void Seam_blend_spans_two_overlaps_and_rises_monotonically()
    {
        var plan = new SegmentPlanner().Plan(240);
        var stitch = new StitchPlan(plan);
        var seam = Assert.Single(stitch.Seams);
        Assert.Equal(120, seam);

        Assert.Single(stitch.SourcesOf(seam - 13));
        Assert.Single(stitch.SourcesOf(seam + 12));
        var previous = 0.0;
        for (var f = seam - 12; f < seam + 12; f++)
        {
            var sources = stitch.SourcesOf(f);
            Assert.Equal(2, sources.Count);
            var right = sources.Single(s => s.SegmentIndex == 1).Weight;
            Assert.True(right > previous);
            previous = right;
        }
    }
}
