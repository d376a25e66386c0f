using System.Text.Json;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.Worker.Stitching;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Orchestration.Tests;

public sealed class FfmpegStitcherTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("stitch-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Seam_metric_is_near_one_for_agreeing_neighbours_and_rises_when_they_disagree()
    {
        var blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));
        var stitcher = new FfmpegStitcher(blobs, root);

        var agreeing = await stitcher.StitchAsync(await RenderSegmentsAsync(blobs, "job-a", frames: 72, tint: 0), Ct);
        // Each segment's blue channel is 60 levels off its neighbour's: the crossfade spreads that jump over the
        // 24 blend frames, so it shows as extra motion there (measured: 1.10 against 0.90 for agreeing neighbours).
        var disagreeing = await stitcher.StitchAsync(await RenderSegmentsAsync(blobs, "job-d", frames: 72, tint: 60), Ct);

        Assert.Equal(72, agreeing.FrameCount);
        Assert.Equal(3.0, agreeing.DurationSeconds, 3);
        Assert.InRange(agreeing.SeamRatio!.Value, 0.8, 1.25);
        Assert.True(disagreeing.SeamRatio > agreeing.SeamRatio + 0.1, $"{disagreeing.SeamRatio} vs {agreeing.SeamRatio}");
        var video = blobs.FileOf(BlobPath.Parse(agreeing.VideoBlob));
        Assert.Equal(72, (await TestMedia.FrameHashesAsync(video)).Count);
        Assert.Equal(3.0, await TestMedia.DurationAsync(video), 1);
    }

    [Fact]
    public async Task Second_stitch_returns_the_stored_outputs_without_rebuilding()
    {
        var blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));
        var request = await RenderSegmentsAsync(blobs, "job-i", frames: 48, tint: 0);
        var stitcher = new FfmpegStitcher(blobs, root);
        var first = await stitcher.StitchAsync(request, Ct);
        var written = (await blobs.GetInfoAsync(BlobPath.Parse(first.VideoBlob), Ct))!.LastModified;

        var second = await stitcher.StitchAsync(request, Ct);

        Assert.Equal(first, second);
        Assert.Equal(written, (await blobs.GetInfoAsync(BlobPath.Parse(first.VideoBlob), Ct))!.LastModified);
        using var report = JsonDocument.Parse((await blobs.ReadBytesAsync(BlobPath.Parse(first.ReportBlob), Ct))!);
        Assert.Equal(2, report.RootElement.GetProperty("segments").GetArrayLength());
        Assert.Equal("pixel-crossfade", report.RootElement.GetProperty("blend").GetString());
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private async Task<StitchRequest> RenderSegmentsAsync(FileSystemBlobStore blobs, string jobId, int frames, int tint)
    {
        var audio = new BlobPath(BlobContainers.Uploads, $"{jobId}/speech.wav");
        await blobs.PutBytesAsync(audio, await TestMedia.ToneWavAsync(frames / 24.0), true, Ct);
        var prepared = new PreparedJob(jobId, frames, 24, frames / 24.0, "h", "uploads/x/ref.png", audio.ToString(), "work/f", "work/p/");
        var plan = new SegmentPlanner(24, 12).Plan(frames);
        var renderer = new TestPatternRenderer { SegmentTint = tint };
        var segments = new List<StitchSegment>();
        foreach (var segment in plan.Segments)
        {
            var scratch = Directory.CreateTempSubdirectory("seg-").FullName;
            var task = new SegmentTask(jobId, segment, plan.Segments.Count, 1, RenderSettings.Accelerated with { Width = 64, Height = 64 },
                JobBlobs.Prepared(jobId).ToString(), JobBlobs.Clip(jobId, segment.Index).ToString(),
                JobBlobs.Latents(jobId, segment.Index).ToString(), DateTimeOffset.UnixEpoch);
            var rendered = await renderer.RenderAsync(new SegmentRenderRequest(task, prepared, blobs, scratch), Ct);
            await blobs.UploadFileAsync(rendered.ClipFile, BlobPath.Parse(task.ClipBlob), false, Ct);
            Directory.Delete(scratch, true);
            segments.Add(new StitchSegment(segment, task.ClipBlob, null, "worker-t", 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(1), false));
        }

        return new StitchRequest(prepared, segments, JobBlobs.Video(jobId, "video.mp4").ToString(), JobBlobs.Poster(jobId).ToString(),
            JobBlobs.Report(jobId).ToString());
    }
}
