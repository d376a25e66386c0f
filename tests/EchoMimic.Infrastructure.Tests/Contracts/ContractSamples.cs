using EchoMimic.Core.Jobs;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Segments;

namespace EchoMimic.Infrastructure.Tests.Contracts;

/// <summary>Message bodies for the queue contract suites (value-equal after a JSON round trip).</summary>
public static class ContractSamples
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    public static SegmentTask Task(int n) => new(
        $"job-{n}", new Segment(n, n * 120, n * 120 + 120, Math.Max(0, n * 120 - 12), n * 120 + 132), 4, 1,
        RenderSettings.Accelerated, $"work/job-{n}/prepared.json", $"work/job-{n}/segments/{n:D4}.mp4",
        $"work/job-{n}/segments/{n:D4}.latents", T0.AddSeconds(n));

    public static SegmentResult Result(int n) => new(
        $"job-{n}", n, 1, SegmentOutcome.Succeeded, "worker-a", T0, T0.AddSeconds(30 + n),
        $"work/job-{n}/segments/{n:D4}.mp4", null, 144);
}
