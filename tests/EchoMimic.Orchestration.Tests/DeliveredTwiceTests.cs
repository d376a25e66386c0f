using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Orchestration.Tests;

public sealed class DeliveredTwiceTests
{
    [Fact]
    public async Task Every_queue_message_delivered_twice_gives_the_same_video_and_one_webhook()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 2, duplicateMessages: true);
        await plane.UploadInputsAsync("twice", seconds: 2);
        await plane.UploadInputsAsync("once", seconds: 2);

        var twice = (await plane.WaitAsync(await plane.SubmitAsync(plane.SpecJson("twice"), "job-twice"))).ReadOutputAs<RenderJobOutcome>()!;
        ((DuplicatingQueue<Core.Messages.SegmentTask>)plane.SegmentPort).Enabled = false;
        ((DuplicatingQueue<Core.Messages.SegmentResult>)plane.ResultPort).Enabled = false;
        var once = (await plane.WaitAsync(await plane.SubmitAsync(plane.SpecJson("once"), "job-once"))).ReadOutputAs<RenderJobOutcome>()!;

        Assert.Equal(JobStatus.Succeeded, twice.Status);
        Assert.All(twice.Segments, s => Assert.Equal(1, s.Attempts));
        Assert.Equal(once.Segments.Count, twice.Segments.Count);
        // Two workers may take both copies of a task at once and both render; the first commit wins and the other
        // copy's upload is dropped, so the video is the same either way.
        Assert.InRange(plane.Renderer.Rendered.Count(r => r.JobId == "job-twice"), twice.Segments.Count, 2 * twice.Segments.Count);
        var twiceFrames = await TestMedia.FrameHashesAsync(plane.Blobs.FileOf(JobBlobs.Video("job-twice", "video.mp4")));
        var onceFrames = await TestMedia.FrameHashesAsync(plane.Blobs.FileOf(JobBlobs.Video("job-once", "video.mp4")));
        Assert.Equal(onceFrames, twiceFrames);
        await plane.Receiver.WaitForAsync(d => d.WebhookId == "job-twice.succeeded", TimeSpan.FromSeconds(10));
        Assert.Single(plane.Receiver.Deliveries, d => d.WebhookId == "job-twice.succeeded");
    }
}
