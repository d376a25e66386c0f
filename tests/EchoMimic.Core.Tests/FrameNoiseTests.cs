using EchoMimic.Core.Segments;

namespace EchoMimic.Core.Tests;

public sealed class FrameNoiseTests
{
    [Fact]
    public void Seed_depends_only_on_job_seed_and_global_frame()
    {
        Assert.Equal(FrameNoise.SeedFor(420, 130), FrameNoise.SeedFor(420, 130));

        var seeds = Enumerable.Range(0, 10_000).Select(f => FrameNoise.SeedFor(420, f)).ToHashSet();
        Assert.Equal(10_000, seeds.Count);
        Assert.All(seeds, s => Assert.True(s >= 0));
        Assert.NotEqual(FrameNoise.SeedFor(420, 5), FrameNoise.SeedFor(421, 5));
        Assert.NotEqual(FrameNoise.SeedFor(0, 1), FrameNoise.SeedFor(1, 0));
    }
}
