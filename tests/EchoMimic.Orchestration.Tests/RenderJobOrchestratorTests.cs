using System.Text.Json;
using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;
using Microsoft.DurableTask.Client;

namespace EchoMimic.Orchestration.Tests;

public sealed class RenderJobOrchestratorTests
{
    [Fact]
    public async Task Segments_fan_out_to_workers_and_fan_in_to_one_stitched_video_with_a_signed_webhook()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 2);
        await plane.UploadInputsAsync("a", seconds: 3);

        var jobId = await plane.SubmitAsync(plane.SpecJson("a"), "job-a");
        var done = await plane.WaitAsync(jobId);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Succeeded, outcome.Status);
        Assert.Null(outcome.Error);
        Assert.Equal(3, outcome.Segments.Count); // 72 frames / 24
        Assert.All(outcome.Segments, s => Assert.Equal(1, s.Attempts));
        Assert.All(outcome.Segments, s => Assert.StartsWith("worker-", s.WorkerId, StringComparison.Ordinal));
        var progress = done.ReadCustomStatusAs<RenderJobProgress>()!;
        Assert.Equal("3 of 3 segments", progress.Progress);
        Assert.Equal(RenderJobPhases.Succeeded, progress.Phase);

        var video = plane.Blobs.FileOf(new BlobPath(BlobContainers.Renders, "job-a/video.mp4"));
        Assert.Equal(3.0, await TestMedia.DurationAsync(video), 1);
        var streams = await TestMedia.StreamsAsync(video);
        Assert.Contains("h264,video,64,64", streams, StringComparison.Ordinal);
        Assert.Contains("aac", streams, StringComparison.Ordinal);
        Assert.Equal(72, (await TestMedia.FrameHashesAsync(video)).Count);
        Assert.True(File.Exists(plane.Blobs.FileOf(new BlobPath(BlobContainers.Renders, "job-a/poster.jpg"))));

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(plane.Blobs.FileOf(new BlobPath(BlobContainers.Renders, "job-a/report.json")), TestContext.Current.CancellationToken));
        var segments = report.RootElement.GetProperty("segments");
        Assert.Equal(3, segments.GetArrayLength());
        Assert.All(segments.EnumerateArray(), s => Assert.StartsWith("worker-", s.GetProperty("workerId").GetString(), StringComparison.Ordinal));
        var seams = report.RootElement.GetProperty("seams");
        Assert.Equal([24, 48], seams.GetProperty("frames").EnumerateArray().Select(f => f.GetInt32()));
        // The pattern is a pure function of the global frame, so blended seams move exactly like the rest.
        Assert.InRange(seams.GetProperty("ratio").GetDouble(), 0.8, 1.25);

        var webhook = await plane.Receiver.WaitForAsync(d => d.WebhookId == "job-a.succeeded", TimeSpan.FromSeconds(10));
        Assert.Null(webhook.SignatureError);
        Assert.Equal("succeeded", webhook.Data.GetProperty("status").GetString());
        Assert.EndsWith("job-a/video.mp4", webhook.Data.GetProperty("outputUrl").GetString(), StringComparison.Ordinal);
        Assert.Equal("a", webhook.Data.GetProperty("metadata").GetProperty("folder").GetString());
        Assert.Equal(3, webhook.Data.GetProperty("report").GetProperty("segments").GetInt32());
        Assert.Equal(1, plane.Preparer.Calls);
        Assert.Equal(1, plane.Stitcher.Calls);
        // Prepare and Stitch ran on the workers, as queue tasks like the segments.
        Assert.Equal(["prepare", "stitch"], outcome.Stages!.Select(s => s.Stage));
        Assert.All(outcome.Stages!, s => Assert.Equal(1, s.Attempts));
        Assert.All(outcome.Stages!, s => Assert.StartsWith("worker-", s.WorkerId, StringComparison.Ordinal));
        Assert.Equal(JobStatus.Succeeded, (await plane.Index.GetAsync("job-a", TestContext.Current.CancellationToken))!.Status);
    }
}
