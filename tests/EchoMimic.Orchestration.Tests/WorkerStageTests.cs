using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;
using Behaviour = EchoMimic.Orchestration.Tests.Support.TestPatternRenderer.Behaviour;
using static EchoMimic.Orchestration.Tests.RenderJobFailureTests;

namespace EchoMimic.Orchestration.Tests;

/// <summary>
/// The Prepare and Stitch stages run on the workers as queue tasks: deadlines, re-dispatch, max attempts, rejection
/// of bad inputs, cancellation, and duplicate, late and stray <c>prepare</c> events.
/// </summary>
public sealed class WorkerStageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Prepare_that_misses_its_deadline_is_redispatched_to_another_worker()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 2);
        plane.Options = plane.Options with { StageDeadline = TimeSpan.FromSeconds(4) };
        plane.Preparer.Script = call => call == 1 ? Behaviour.Hang : Behaviour.Render;
        await plane.UploadInputsAsync("p", seconds: 2);

        var done = await plane.WaitAsync(await plane.SubmitAsync(plane.SpecJson("p", webhook: false), "job-p"));

        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Succeeded, outcome.Status);
        Assert.Equal(2, outcome.Stages!.Single(s => s.Stage == "prepare").Attempts);
        Assert.Equal(2, plane.Preparer.Calls);
        Assert.True(File.Exists(plane.Blobs.FileOf(JobBlobs.Video("job-p", "video.mp4"))));
    }

    [Fact]
    public async Task Prepare_that_never_reports_fails_the_job_after_max_attempts()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 2);
        plane.Options = plane.Options with { MaxAttempts = 2, StageDeadline = TimeSpan.FromSeconds(2) };
        plane.Preparer.Script = _ => Behaviour.Hang;
        await plane.UploadInputsAsync("n", seconds: 1);

        var done = await plane.WaitAsync(await plane.SubmitAsync(plane.SpecJson("n", webhook: false), "job-n"));

        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Failed, outcome.Status);
        Assert.Equal("prepare did not report within 00:00:02 on any of 2 attempts", outcome.Error);
        Assert.Empty(outcome.Segments);
    }

    [Fact]
    public async Task Bad_inputs_reject_the_job_at_prepare_without_retrying()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 2);
        await plane.UploadInputsAsync("b", seconds: 1);
        await plane.Blobs.PutTextAsync(new BlobPath(BlobContainers.Uploads, "b/speech.wav"), "not a sound", overwrite: true, Ct);

        var done = await plane.WaitAsync(await plane.SubmitAsync(plane.SpecJson("b", webhook: false), "job-b"));

        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Failed, outcome.Status);
        Assert.Equal("uploads/b/speech.wav: is not a readable audio file", outcome.Error);
        Assert.Equal(1, plane.Preparer.Calls);
        Assert.Null(await plane.Blobs.GetInfoAsync(JobBlobs.Prepared("job-b"), Ct));
    }

    [Fact]
    public async Task Failing_stitch_fails_the_job_cleanly_after_max_attempts()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 2);
        plane.Options = plane.Options with { MaxAttempts = 2 };
        plane.Stitcher.Script = _ => Behaviour.Fail;
        await plane.UploadInputsAsync("s", seconds: 2);

        var done = await plane.WaitAsync(await plane.SubmitAsync(plane.SpecJson("s"), "job-s"));

        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Failed, outcome.Status);
        Assert.Equal("stitch failed after 2 attempts: InvalidOperationException: scripted failure of stitch call 2", outcome.Error);
        Assert.Equal(2, plane.Stitcher.Calls);
        Assert.Equal(2, outcome.Segments.Count); // the segments were rendered and are reported
        Assert.Null(await plane.Blobs.GetInfoAsync(JobBlobs.Video("job-s", "video.mp4"), Ct));
        var webhook = await plane.Receiver.WaitForAsync(d => d.WebhookId == "job-s.failed", TimeSpan.FromSeconds(10));
        Assert.Null(webhook.SignatureError);
    }

    [Fact]
    public async Task Stitch_that_misses_its_deadline_is_redispatched_and_the_video_is_stitched_once()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 2);
        plane.Options = plane.Options with { StageDeadline = TimeSpan.FromSeconds(10) };
        plane.Stitcher.Script = call => call == 1 ? Behaviour.Hang : Behaviour.Render;
        await plane.UploadInputsAsync("t", seconds: 2);

        var done = await plane.WaitAsync(await plane.SubmitAsync(plane.SpecJson("t", webhook: false), "job-t"));

        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Succeeded, outcome.Status);
        // Attempt 1 hangs; attempt 2 stitches (a third only if a loaded machine makes attempt 2 miss its deadline too).
        Assert.InRange(outcome.Stages!.Single(s => s.Stage == "stitch").Attempts, 2, 3);
        Assert.Equal(48, outcome.Stitch!.FrameCount);
        // Every attempt read the job's one stitch-request blob (the messages carry its name only).
        var stored = await plane.Blobs.ReadJsonAsync<StitchRequest>(JobBlobs.StitchRequest("job-t"), Ct);
        Assert.Equal(outcome.Segments.Count, stored!.Segments.Count);
    }

    [Theory]
    [InlineData(RenderJobPhases.Preparing)]
    [InlineData(RenderJobPhases.Stitching)]
    public async Task Cancel_event_ends_a_job_whose_stage_is_running_on_a_worker(string phase)
    {
        await using var plane = await ControlPlane.StartAsync(workers: 2);
        if (phase == RenderJobPhases.Preparing)
        {
            plane.Preparer.Script = _ => Behaviour.Hang;
        }
        else
        {
            plane.Stitcher.Script = _ => Behaviour.Hang;
        }

        await plane.UploadInputsAsync("c", seconds: 1);
        var jobId = await plane.SubmitAsync(plane.SpecJson("c"), "job-c");
        await WaitForPhaseAsync(plane, jobId, phase);

        await plane.Client.RaiseEventAsync(jobId, RenderJobEvents.Cancel, "customer withdrew", Ct);
        var done = await plane.WaitAsync(jobId);

        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Canceled, outcome.Status);
        Assert.Equal("canceled: customer withdrew", outcome.Error);
        var webhook = await plane.Receiver.WaitForAsync(d => d.WebhookId == "job-c.canceled", TimeSpan.FromSeconds(10));
        Assert.Null(webhook.SignatureError);
    }

    [Fact]
    public async Task Duplicate_late_and_stray_prepare_events_are_ignored()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 0);
        await plane.UploadInputsAsync("e", seconds: 2);
        var jobId = await plane.SubmitAsync(plane.SpecJson("e", webhook: false), "job-e");
        await WaitForQueueAsync(plane, 1);
        var now = DateTimeOffset.UtcNow;
        var failure = new SegmentResult(jobId, 0, 1, SegmentOutcome.Failed, "ghost", now, now, Error: "GPU lost") { Kind = WorkKind.Prepare };

        // Attempt 1 reports a failure: attempt 2 is dispatched.
        await plane.Client.RaiseEventAsync(jobId, SegmentEvents.Prepare, failure, Ct);
        await WaitForQueueAsync(plane, 2);
        // The same report again (late now), one for another job, and a stitch result under the prepare name: ignored.
        await plane.Client.RaiseEventAsync(jobId, SegmentEvents.Prepare, failure, Ct);
        await plane.Client.RaiseEventAsync(jobId, SegmentEvents.Prepare, failure with { JobId = "job-other", Attempt = 2 }, Ct);
        await plane.Client.RaiseEventAsync(jobId, SegmentEvents.Prepare, failure with { Kind = WorkKind.Stitch, Attempt = 2 }, Ct);
        await Task.Delay(1500, Ct);
        Assert.Equal(2, plane.SegmentQueue.Count);

        // Attempt 1's delivery is then processed after all and succeeds; attempt 2 finds prepared.json and re-reports.
        var first = await plane.ProcessOneAsync();
        var second = await plane.ProcessOneAsync();
        plane.AddWorker("worker-late");
        var done = await plane.WaitAsync(jobId);

        Assert.Equal((WorkKind.Prepare, 1), (first.Kind, first.Attempt));
        Assert.Equal((WorkKind.Prepare, 2), (second.Kind, second.Attempt));
        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Succeeded, outcome.Status);
        Assert.Equal(2, outcome.Stages!.Single(s => s.Stage == "prepare").Attempts);
        Assert.Equal(1, plane.Preparer.Calls);
    }

    private static async Task WaitForQueueAsync(ControlPlane plane, int count)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (plane.SegmentQueue.Count < count)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"the segment queue never held {count} tasks");
            }

            await Task.Delay(100, Ct);
        }
    }
}
