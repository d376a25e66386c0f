using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;
using Microsoft.DurableTask.Client;
using Behaviour = EchoMimic.Orchestration.Tests.Support.TestPatternRenderer.Behaviour;

namespace EchoMimic.Orchestration.Tests;

public sealed class RenderJobFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Missed_deadline_redispatches_the_segment_with_the_next_attempt()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 3);
        plane.Options = plane.Options with { SegmentDeadline = TimeSpan.FromSeconds(12) };
        plane.Renderer.Script = task => task.Segment.Index == 1 && task.Attempt == 1 ? Behaviour.Hang : Behaviour.Render;
        await plane.UploadInputsAsync("d", seconds: 3);

        var done = await plane.WaitAsync(await plane.SubmitAsync(plane.SpecJson("d", webhook: false), "job-d"));

        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Succeeded, outcome.Status);
        Assert.Equal(2, outcome.Segments.Single(s => s.Index == 1).Attempts);
        Assert.DoesNotContain(plane.Renderer.Rendered, r => r.Segment == 1 && r.Attempt == 1);
        Assert.Contains(plane.Renderer.Rendered, r => r.Segment == 1 && r.Attempt == 2);
    }

    [Fact]
    public async Task Failing_segment_fails_the_job_cleanly_after_max_attempts_and_the_webhook_is_retried()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 2);
        plane.Options = plane.Options with { MaxAttempts = 2 };
        plane.Renderer.Script = task => task.Segment.Index == 0 ? Behaviour.Fail : Behaviour.Render;
        plane.Receiver.FailFirst = 1;
        await plane.UploadInputsAsync("f", seconds: 3);

        var done = await plane.WaitAsync(await plane.SubmitAsync(plane.SpecJson("f"), "job-f"));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Failed, outcome.Status);
        Assert.Equal("segment 0 failed after 2 attempts: InvalidOperationException: scripted failure of segment 0 attempt 2", outcome.Error);
        Assert.Null(outcome.VideoUrl);
        Assert.Null(await plane.Blobs.GetInfoAsync(JobBlobs.Video("job-f", "video.mp4"), Ct));
        Assert.Equal(RenderJobPhases.Failed, done.ReadCustomStatusAs<RenderJobProgress>()!.Phase);
        Assert.Equal(JobStatus.Failed, (await plane.Index.GetAsync("job-f", Ct))!.Status);

        var webhook = await plane.Receiver.WaitForAsync(d => d.WebhookId == "job-f.failed", TimeSpan.FromSeconds(10));
        Assert.Null(webhook.SignatureError);
        Assert.Equal(outcome.Error, webhook.Data.GetProperty("error").GetString());
        Assert.Equal(outcome.WebhookDelivered, true);
        var log = new List<string>();
        await foreach (var entry in plane.Blobs.ListAsync(BlobContainers.Work, "job-f/webhooks/job-f.failed/", Ct))
        {
            log.Add(entry.Path.Name);
        }

        Assert.Equal(["job-f/webhooks/job-f.failed/001.json", "job-f/webhooks/job-f.failed/002.json"], log);
    }

    [Fact]
    public async Task Segment_that_never_reports_fails_the_job_after_max_attempts()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 1);
        plane.Options = plane.Options with { MaxAttempts = 2, SegmentDeadline = TimeSpan.FromSeconds(3) };
        plane.Renderer.Script = _ => Behaviour.Hang;
        await plane.UploadInputsAsync("h", seconds: 1);

        var done = await plane.WaitAsync(await plane.SubmitAsync(plane.SpecJson("h", webhook: false), "job-h"));

        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Failed, outcome.Status);
        Assert.Equal("segment 0 did not report within 00:00:03 on any of 2 attempts", outcome.Error);
    }

    [Fact]
    public async Task Cancel_event_ends_a_rendering_job_as_canceled()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 1);
        plane.Renderer.Script = _ => Behaviour.Hang;
        await plane.UploadInputsAsync("c", seconds: 1);
        var jobId = await plane.SubmitAsync(plane.SpecJson("c"), "job-c");
        await WaitForPhaseAsync(plane, jobId, RenderJobPhases.Rendering);

        await plane.Client.RaiseEventAsync(jobId, RenderJobEvents.Cancel, "customer withdrew", Ct);
        var done = await plane.WaitAsync(jobId);

        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Canceled, outcome.Status);
        Assert.Equal("canceled: customer withdrew", outcome.Error);
        var webhook = await plane.Receiver.WaitForAsync(d => d.WebhookId == "job-c.canceled", TimeSpan.FromSeconds(10));
        Assert.Null(webhook.SignatureError);
    }

    [Fact]
    public async Task Missing_input_fails_the_job_after_the_bounded_wait()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 0);
        await plane.UploadInputsAsync("m", seconds: 1, withAudio: false);

        var done = await plane.WaitAsync(await plane.SubmitAsync(plane.SpecJson("m", webhook: false), "job-m"));

        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Failed, outcome.Status);
        Assert.Equal("input missing: uploads/m/speech.wav", outcome.Error);
        Assert.Equal(0, plane.Preparer.Calls);
    }

    [Fact]
    public async Task Duplicate_late_and_stray_segment_events_are_ignored()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 0);
        await plane.UploadInputsAsync("e", seconds: 3);
        var jobId = await plane.SubmitAsync(plane.SpecJson("e", webhook: false), "job-e");
        Assert.Equal(WorkKind.Prepare, (await plane.ProcessOneAsync()).Kind);
        await WaitForPhaseAsync(plane, jobId, RenderJobPhases.Rendering, dispatches: 3);
        var now = DateTimeOffset.UtcNow;
        var failure = new SegmentResult(jobId, 0, 1, SegmentOutcome.Failed, "ghost", now, now, Error: "GPU lost");

        // A worker reports attempt 1 of segment 0 failed: the orchestrator dispatches attempt 2.
        await plane.Client.RaiseEventAsync(jobId, SegmentEvents.NameFor(0), failure, Ct);
        await WaitForPhaseAsync(plane, jobId, RenderJobPhases.Rendering, dispatches: 4);
        // The same report again (duplicate delivery, now late) and a result meant for another job change nothing.
        await plane.Client.RaiseEventAsync(jobId, SegmentEvents.NameFor(0), failure, Ct);
        await plane.Client.RaiseEventAsync(jobId, SegmentEvents.NameFor(1), failure with { JobId = "job-other", SegmentIndex = 1 }, Ct);
        await Task.Delay(1500, Ct);
        plane.AddWorker("worker-late");
        var done = await plane.WaitAsync(jobId);

        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Succeeded, outcome.Status);
        Assert.Equal(2, outcome.Segments.Single(s => s.Index == 0).Attempts);
        Assert.Equal(1, outcome.Segments.Single(s => s.Index == 1).Attempts);
        Assert.Equal(4, done.ReadCustomStatusAs<RenderJobProgress>()!.Dispatches);
    }

    internal static async Task WaitForPhaseAsync(ControlPlane plane, string jobId, string phase, int dispatches = 0)
    {
        var until = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < until)
        {
            var status = (await plane.Client.GetInstanceAsync(jobId, getInputsAndOutputs: true, Ct))?.ReadCustomStatusAs<RenderJobProgress>();
            if (status?.Phase == phase && status.Dispatches >= dispatches)
            {
                return;
            }

            await Task.Delay(200, Ct);
        }

        throw new TimeoutException($"job {jobId} never reached {phase} with {dispatches} dispatches");
    }
}
