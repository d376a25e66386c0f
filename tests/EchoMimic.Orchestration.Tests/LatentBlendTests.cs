using System.Text.Json;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.Worker.Stitching;
using EchoMimic.Worker;
using EchoMimic.Inference.Jobs;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Samples;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;
using static TorchSharp.torch;

namespace EchoMimic.Orchestration.Tests;

/// <summary>
/// Latent blending with the real engine (demo weights, 64x64, 2 steps): a worker prepares a two-segment job, renders
/// both segments (uploading their latents) and stitches them; the seam frames of the video must be the VAE decode of
/// the neighbours' latents mixed with linear weights, which this test computes itself from the uploaded files.
/// </summary>
public sealed class LatentBlendTests : IDisposable
{
    private static readonly Lazy<PipelineModels> Models = new(() => DemoWeights.Create());

    private readonly string root = Directory.CreateTempSubdirectory("latent-blend-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Seam_frames_of_a_two_segment_job_are_the_decoded_blend_of_both_segments_latents()
    {
        var blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));
        var segments = new InMemorySegmentQueue();
        var results = new InMemoryResultQueue();
        var worker = new SegmentWorker(segments, results, blobs, new EngineJobPreparer(Models.Value, blobs, root),
            new EngineSegmentRenderer(Models.Value, NoiseMode.PerFrame), new FfmpegStitcher(blobs, root, new EngineLatentDecoder(Models.Value)) { Lossless = true },
            new SegmentWorkerOptions("blend-worker") { ScratchRoot = Path.Combine(root, "scratch") }, TimeProvider.System);
        var spec = await UploadAsync(blobs, seconds: 2.0);
        var prepared = (await RunAsync(worker, segments, results,
            SegmentTask.ForPrepare("job-l", 1, spec, JobBlobs.Prepared("job-l").ToString(), DateTimeOffset.UnixEpoch))).Prepared!;
        var plan = new SegmentPlanner(24, 12).Plan(prepared.FrameCount);
        Assert.Equal(2, plan.Segments.Count);
        var rendered = new List<StitchSegment>();
        foreach (var segment in plan.Segments)
        {
            var result = await RunAsync(worker, segments, results, new SegmentTask("job-l", segment, 2, 1, spec.Settings,
                JobBlobs.Prepared("job-l").ToString(), JobBlobs.Clip("job-l", segment.Index).ToString(),
                JobBlobs.Latents("job-l", segment.Index).ToString(), DateTimeOffset.UnixEpoch));
            rendered.Add(new StitchSegment(segment, result.ClipBlob!, result.LatentsBlob, result.WorkerId, 1, result.StartedAt, result.FinishedAt, false));
        }

        // With demo weights both neighbours denoise the shared frames from the same noise to nearly the same latents
        // (measured: their decoded blend and the pixel crossfade differ by 0.05 levels), which could not tell the two
        // methods apart. So the right segment's uploaded latents are replaced by other (seeded) latents: its clip no
        // longer matches them, and only a stitcher that decodes the blended latents puts them into the seam frames.
        var rightFile = await DownloadAsync(blobs, rendered[1].LatentsBlob!);
        var original = LatentClip.Read(rightFile);
        var random = new Random(5);
        new LatentClip(original.Frames, original.Channels, original.Height, original.Width,
            original.Values.Select(_ => (float)(4 * (random.NextDouble() - 0.5))).ToArray()).Write(rightFile);
        await blobs.UploadFileAsync(rightFile, BlobPath.Parse(rendered[1].LatentsBlob!), overwrite: true, Ct);

        var request = new StitchRequest(prepared, rendered, JobBlobs.Video("job-l", "video.mp4").ToString(), JobBlobs.Poster("job-l").ToString(),
            JobBlobs.Report("job-l").ToString());
        var stitched = await RunAsync(worker, segments, results,
            SegmentTask.ForStitch("job-l", 1, spec.Settings, JobBlobs.Prepared("job-l").ToString(), request, DateTimeOffset.UnixEpoch));

        // report.json says the seam was blended in latent space, and the seam metric is still there.
        using var report = JsonDocument.Parse((await blobs.ReadBytesAsync(JobBlobs.Report("job-l"), Ct))!);
        Assert.Equal("latent", report.RootElement.GetProperty("blend").GetString());
        var seams = report.RootElement.GetProperty("seams");
        Assert.Equal(["latent"], seams.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal([24], seams.GetProperty("frames").EnumerateArray().Select(f => f.GetInt32()));
        Assert.NotNull(stitched.Stitched!.SeamRatio);

        // Expected seam frames: both segments' uploaded latents of frames [12, 36), mixed with the right segment's weight
        // rising linearly (i + 0.5) / 24, decoded directly with the VAE.
        var left = LatentClip.Read(await DownloadAsync(blobs, rendered[0].LatentsBlob!));
        var right = LatentClip.Read(await DownloadAsync(blobs, rendered[1].LatentsBlob!));
        var mixed = new float[24 * left.FrameSize];
        for (var i = 0; i < 24; i++)
        {
            var w = (i + 0.5f) / 24f;
            var a = left.Frame(12 + i); // left renders [0, 36)
            var b = right.Frame(i); // right renders [12, 48)
            for (var j = 0; j < left.FrameSize; j++)
            {
                mixed[i * left.FrameSize + j] = (1 - w) * a[j] + w * b[j];
            }
        }

        var expected = DecodeDirectly(mixed, left);
        var crossfade = await CrossfadeAsync(blobs, rendered);
        var video = await TestMedia.RgbFramesAsync(blobs.FileOf(JobBlobs.Video("job-l", "video.mp4")), 64, 64);
        Assert.Equal(48, video.Count);
        var toBlend = Enumerable.Range(0, 24).Average(i => MeanAbsDifference(video[12 + i], expected[i]));
        var toCrossfade = Enumerable.Range(0, 24).Average(i => MeanAbsDifference(video[12 + i], crossfade[i]));
        var blendVsCrossfade = Enumerable.Range(0, 24).Average(i => MeanAbsDifference(expected[i], crossfade[i]));
        // The stitcher encodes losslessly here, so its seam frames must be the decoded blend up to float rounding in
        // the mix (at most one level), while the pixel crossfade of the clips is clearly different.
        TestContext.Current.TestOutputHelper?.WriteLine($"seam: video vs decoded blend {toBlend:F3}, vs crossfade {toCrossfade:F3}, blend vs crossfade {blendVsCrossfade:F3}");
        Assert.True(blendVsCrossfade > 0.3, $"decoded blend and crossfade differ by only {blendVsCrossfade:F3}: the test cannot tell them apart");
        Assert.InRange(toBlend, 0, 0.05);
        Assert.True(Enumerable.Range(0, 24).All(i => video[12 + i].Zip(expected[i], (x, y) => Math.Abs(x - y)).Max() <= 1));
        Assert.True(toCrossfade > 0.3, $"video seam vs pixel crossfade {toCrossfade:F3}");
        // Outside the seam, frames are the owning segment's clip frames.
        var leftClip = await TestMedia.RgbFramesAsync(blobs.FileOf(BlobPath.Parse(rendered[0].ClipBlob)), 64, 64);
        Assert.Equal(leftClip[5], video[5]);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static async Task<SegmentResult> RunAsync(SegmentWorker worker, InMemorySegmentQueue segments, InMemoryResultQueue results,
        SegmentTask task)
    {
        await segments.SendAsync([new QueueMessage<SegmentTask>(task.MessageId, task)], Ct);
        await worker.ProcessAsync((await segments.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!, Ct);
        await using var lease = await results.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct);
        await lease!.CompleteAsync(Ct);
        Assert.True(lease.Body.Outcome == SegmentOutcome.Succeeded, lease.Body.Error);
        Assert.Equal(task.Kind, lease.Body.Kind);
        return lease.Body;
    }

    private static byte[][] DecodeDirectly(float[] values, LatentClip shape)
    {
        using var scope = NewDisposeScope();
        var latents = tensor(values, [24, shape.Channels, shape.Height, shape.Width]).permute(1, 0, 2, 3).unsqueeze(0);
        var video = new SegmentRenderer(Models.Value).Decode(latents);
        var frames = (video[0].permute(1, 2, 3, 0) * 255.0f).to_type(ScalarType.Byte).contiguous();
        return Enumerable.Range(0, 24).Select(f => frames[f].bytes.ToArray()).ToArray();
    }

    /// <summary>What the pixel crossfade would give over the seam: the two lossless clips mixed with the same weights.</summary>
    private async Task<byte[][]> CrossfadeAsync(FileSystemBlobStore blobs, IReadOnlyList<StitchSegment> rendered)
    {
        var left = await TestMedia.RgbFramesAsync(blobs.FileOf(BlobPath.Parse(rendered[0].ClipBlob)), 64, 64);
        var right = await TestMedia.RgbFramesAsync(blobs.FileOf(BlobPath.Parse(rendered[1].ClipBlob)), 64, 64);
        return Enumerable.Range(0, 24).Select(i =>
        {
            var w = (i + 0.5f) / 24f;
            return left[12 + i].Zip(right[i], (a, b) => (byte)Math.Clamp((int)MathF.Round((1 - w) * a + w * b), 0, 255)).ToArray();
        }).ToArray();
    }

    private static double MeanAbsDifference(byte[] a, byte[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();

    private async Task<string> DownloadAsync(FileSystemBlobStore blobs, string blob)
    {
        var file = Path.Combine(root, $"{Guid.NewGuid():N}-{Path.GetFileName(blob)}");
        await blobs.DownloadToFileAsync(BlobPath.Parse(blob), file, Ct);
        return file;
    }

    private static async Task<RenderJobSpec> UploadAsync(FileSystemBlobStore blobs, double seconds)
    {
        await blobs.PutBytesAsync(new BlobPath(BlobContainers.Uploads, "l/ref.png"), PortraitPainter.PaintPng(64), true, Ct);
        await blobs.PutBytesAsync(new BlobPath(BlobContainers.Uploads, "l/speech.wav"), await TestMedia.ToneWavAsync(seconds), true, Ct);
        return new RenderJobSpec(new JobInputs("uploads/l/ref.png", "uploads/l/speech.wav", new PoseSource("breathing", null)),
            Core.Jobs.RenderSettings.Accelerated with { Steps = 2, Width = 64, Height = 64, Seed = 7 }, "video.mp4", null,
            new Dictionary<string, string>(), null);
    }
}
