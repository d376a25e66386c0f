using System.Text.Json;
using EchoMimic.Core.Ports;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Orchestration.Tests;

/// <summary>The preview job type: settings.mode = "preview" runs Prepare and a preview stage on a worker, no segments.</summary>
public sealed class PreviewJobTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Preview_job_draws_the_pose_maps_over_the_portrait_with_the_audio_and_renders_no_segment()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 1);
        await plane.UploadInputsAsync("v", seconds: 3);

        var done = await plane.WaitAsync(await plane.SubmitAsync(plane.SpecJson("v", mode: "preview"), "job-v"));

        var outcome = done.ReadOutputAs<RenderJobOutcome>()!;
        Assert.Equal(JobStatus.Succeeded, outcome.Status);
        Assert.Equal(["prepare", "preview"], outcome.Stages!.Select(s => s.Stage));
        Assert.Empty(outcome.Segments);
        Assert.Empty(plane.Renderer.Rendered);
        Assert.Equal(0, plane.Stitcher.Calls);
        Assert.EndsWith("job-v/video.mp4", outcome.VideoUrl, StringComparison.Ordinal);

        var video = plane.Blobs.FileOf(JobBlobs.Video("job-v", "video.mp4"));
        Assert.Equal(3.0, await TestMedia.DurationAsync(video), 1);
        Assert.Contains("aac", await TestMedia.StreamsAsync(video), StringComparison.Ordinal);
        var frames = await TestMedia.RgbFramesAsync(video, 64, 64);
        Assert.Equal(72, frames.Count);
        using var report = JsonDocument.Parse((await plane.Blobs.ReadBytesAsync(JobBlobs.Report("job-v"), Ct))!);
        Assert.Equal("preview", report.RootElement.GetProperty("mode").GetString());
        Assert.Equal(72, report.RootElement.GetProperty("frameCount").GetInt32());

        // Frame 30: the test pose map's white square at x = 30..37, y = 8..15 over the dimmed portrait.
        var portraitFile = plane.Blobs.FileOf(new BlobPath(BlobContainers.Uploads, "v/ref.png"));
        var (resized, _, _) = ReferenceImage.Load(portraitFile, 64, 64);
        byte[] portrait;
        using (resized)
        {
            portrait = resized.bytes.ToArray();
        }

        var expected = Inference.Jobs.EngineJobPreviewer.Overlay(TestPreparer.PoseMap(30, 64, 64), portrait);
        var difference = frames[30].Zip(expected, (a, b) => Math.Abs(a - b)).Average();
        var toPlainPortrait = frames[30].Zip(portrait, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(difference < 4, $"preview frame differs from the overlay by {difference:F2}");
        Assert.True(toPlainPortrait > 3 * difference, $"{toPlainPortrait:F2} vs {difference:F2}");
        var square = Enumerable.Range(9, 6).SelectMany(y => Enumerable.Range(31, 6).Select(x => frames[30][(y * 64 + x) * 3 + 1])).Average(v => v);
        Assert.True(square > 200, $"the pose square is not drawn: mean green {square:F0}");
        await plane.Receiver.WaitForAsync(d => d.WebhookId == "job-v.succeeded", TimeSpan.FromSeconds(10));
    }
}
