using EchoMimic.Core;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;

namespace EchoMimic.Orchestration.Tests;

/// <summary>
/// Options that could never be planned (segment length under twice the overlap, overlap under one context window)
/// or run reject a job or campaign at intake with a clear error, before anything is scheduled: without the check
/// the job would fail in the orchestrator after its Prepare.
/// </summary>
public sealed class IntakeOptionsTests
{
    private const string Job = """{"schemaVersion":1,"inputs":{"reference":"uploads/x/ref.png","audio":"uploads/x/a.wav","pose":{"gesture":"talk"}}}""";
    private const string Manifest = "reference,audio,gesture\nuploads/x/r.png,uploads/x/a.wav,talk";

    [Theory]
    [InlineData(23, 12, "segment options", "segment length must be at least twice the overlap (24 frames), got 23")]
    [InlineData(120, 11, "segment options", "overlap must be at least one context window (12 frames), got 11")]
    [InlineData(40, 24, "segment options", "segment length must be at least twice the overlap (48 frames), got 40")]
    public void Unplannable_segment_options_reject_jobs_and_campaigns(int segmentLength, int overlap, string input, string problem)
    {
        var options = RenderJobOptions.Default with { SegmentLength = segmentLength, Overlap = overlap };

        var job = Assert.Throws<InputException>(() => RenderJobIntake.AcceptJob(Job, "job.json", options, "job-x", new Random(1)));
        var campaign = Assert.Throws<InputException>(() => RenderJobIntake.AcceptCampaign(Manifest, "rows.csv", null, "camp-x", 2, null,
            options, new Random(1)));

        Assert.Equal((input, problem), (job.Input, job.Problem));
        Assert.Equal((input, problem), (campaign.Input, campaign.Problem));
    }

    [Fact]
    public void Plannable_options_at_the_limits_are_accepted()
    {
        var options = RenderJobOptions.Default with { SegmentLength = 24, Overlap = 12 };

        Assert.Equal("job-x", RenderJobIntake.AcceptJob(Job, "job.json", options, "job-x", new Random(1)).InstanceId);
    }

    [Fact]
    public void Attempts_and_deadlines_that_could_never_run_are_rejected()
    {
        Assert.Equal("max attempts", Assert.Throws<InputException>(() => RenderJobIntake.AcceptJob(Job, "job.json",
            RenderJobOptions.Default with { MaxAttempts = 0 }, "job-x", new Random(1))).Input);
        Assert.Equal("job deadlines", Assert.Throws<InputException>(() => RenderJobIntake.AcceptJob(Job, "job.json",
            RenderJobOptions.Default with { SegmentDeadline = TimeSpan.Zero }, "job-x", new Random(1))).Input);
    }
}
