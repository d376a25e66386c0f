using EchoMimic.Core;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.Worker;
using EchoMimic.Inference.Jobs;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Samples;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Orchestration.Tests;

/// <summary>
/// The worker host with the real engine (demo weights, 64x64, 2 steps): the engine preparer stores a job's audio
/// features, pose maps and reference latents once, and <see cref="SegmentWorker"/> renders a segment from them with
/// <see cref="EngineSegmentRenderer"/>.
/// </summary>
public sealed class EngineSegmentWorkerTests : IDisposable
{
    private static readonly Lazy<PipelineModels> Models = new(() => DemoWeights.Create());

    private readonly string root = Directory.CreateTempSubdirectory("engine-worker-").FullName;
    private readonly FileSystemBlobStore blobs;

    public EngineSegmentWorkerTests() => blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Worker_renders_a_segment_of_a_prepared_job_with_the_engine_reproducibly()
    {
        var spec = await UploadAsync("e", seconds: 2.0);
        var prepared = await new EngineJobPreparer(Models.Value, blobs, root).PrepareAsync("job-e", spec, Ct);
        Assert.Equal(48, prepared.FrameCount); // 2 s at 24 fps
        Assert.Equal(48, await CountAsync(prepared.PoseBlobPrefix));
        await blobs.PutJsonAsync(JobBlobs.Prepared("job-e"), prepared, overwrite: false, Ct);

        var segment = new SegmentPlanner(24, 12).Plan(prepared.FrameCount).Segments[1];
        Assert.Equal((12, 48), (segment.RenderStart, segment.RenderEnd));
        var task = new SegmentTask("job-e", segment, 2, 1, spec.Settings, JobBlobs.Prepared("job-e").ToString(),
            JobBlobs.Clip("job-e", 1).ToString(), JobBlobs.Latents("job-e", 1).ToString(), DateTimeOffset.UnixEpoch);
        var segments = new InMemorySegmentQueue();
        var results = new InMemoryResultQueue();
        var renderer = new EngineSegmentRenderer(Models.Value, NoiseMode.PerFrame);
        var worker = new SegmentWorker(segments, results, blobs, new EngineJobPreparer(Models.Value, blobs, root), renderer,
            new EchoMimic.Worker.Stitching.FfmpegStitcher(blobs, root),
            new SegmentWorkerOptions("engine-worker") { ScratchRoot = Path.Combine(root, "scratch") }, TimeProvider.System);
        await segments.SendAsync([new QueueMessage<SegmentTask>(task.MessageId, task)], Ct);

        await worker.ProcessAsync((await segments.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!, Ct);

        await using var lease = await results.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct);
        var result = lease!.Body;
        Assert.True(result.Outcome == SegmentOutcome.Succeeded, result.Error);
        Assert.Equal(36, result.FrameCount);
        Assert.Equal(task.LatentsBlob, result.LatentsBlob);
        var clip = blobs.FileOf(BlobPath.Parse(task.ClipBlob));
        Assert.Contains("64,64", await TestMedia.StreamsAsync(clip));
        var frames = await TestMedia.FrameHashesAsync(clip);
        Assert.Equal(36, frames.Count);
        Assert.True(frames.Distinct().Count() > 1, "every frame of the clip is the same picture");

        // The OverlapLatents format: (frames, channels, h, w) header, then float32 values of every rendered frame.
        var latents = await blobs.ReadBytesAsync(BlobPath.Parse(task.LatentsBlob), Ct);
        Assert.NotNull(latents);
        Assert.Equal(new[] { 36, 4, 8, 8 }, Enumerable.Range(0, 4).Select(i => BitConverter.ToInt32(latents!, 4 * i)));
        Assert.Equal(16 + 36 * 4 * 8 * 8 * 4, latents!.Length);

        // A retry (another attempt, another worker) renders the same frames bit for bit: noise is keyed by frame.
        var again = Directory.CreateDirectory(Path.Combine(root, "again")).FullName;
        var rerendered = await renderer.RenderAsync(new SegmentRenderRequest(task with { Attempt = 2 }, prepared, blobs, again), Ct);
        Assert.Equal(latents, await File.ReadAllBytesAsync(rerendered.LatentsFile!, Ct));
    }

    [Fact]
    public async Task Worker_prepares_and_previews_a_job_from_the_engine_pose_maps_without_denoising()
    {
        var spec = await UploadAsync("v", seconds: 1.0);
        spec = spec with { Settings = spec.Settings with { Mode = RenderMode.Preview } };
        var segments = new InMemorySegmentQueue();
        var results = new InMemoryResultQueue();
        var worker = new SegmentWorker(segments, results, blobs, new EngineJobPreparer(Models.Value, blobs, root),
            new EngineSegmentRenderer(Models.Value), new EchoMimic.Worker.Stitching.FfmpegStitcher(blobs, root),
            new SegmentWorkerOptions("preview-worker") { ScratchRoot = Path.Combine(root, "scratch") }, TimeProvider.System,
            new EngineJobPreviewer(blobs, root));
        var prepare = SegmentTask.ForPrepare("job-v", 1, spec, JobBlobs.Prepared("job-v").ToString(), DateTimeOffset.UnixEpoch);
        await segments.SendAsync([new QueueMessage<SegmentTask>(prepare.MessageId, prepare)], Ct);
        await worker.ProcessAsync((await segments.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!, Ct);
        PreparedJob prepared;
        await using (var lease = await results.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct))
        {
            prepared = lease!.Body.Prepared!;
            await lease.CompleteAsync(Ct);
        }

        var preview = SegmentTask.ForPreview("job-v", 1, JobBlobs.Prepared("job-v").ToString(), new PreviewRequest(spec, prepared,
            JobBlobs.Video("job-v", "video.mp4").ToString(), JobBlobs.Poster("job-v").ToString(), JobBlobs.Report("job-v").ToString()),
            DateTimeOffset.UnixEpoch);
        await segments.SendAsync([new QueueMessage<SegmentTask>(preview.MessageId, preview)], Ct);
        await worker.ProcessAsync((await segments.ReceiveAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), Ct))!, Ct);

        await using var result = await results.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), Ct);
        Assert.True(result!.Body.Outcome == SegmentOutcome.Succeeded, result.Body.Error);
        Assert.Equal(WorkKind.Preview, result.Body.Kind);
        Assert.Equal(24, result.Body.Stitched!.FrameCount);
        var video = await TestMedia.RgbFramesAsync(blobs.FileOf(JobBlobs.Video("job-v", "video.mp4")), 64, 64);
        Assert.Equal(24, video.Count);
        // Frame 10 is the engine's pose map 10 over the dimmed portrait (H.264 costs a few levels).
        var map = PoseMapImages.DecodePng((await blobs.ReadBytesAsync(PreparedBlobs.PoseMap(prepared.PoseBlobPrefix, 10), Ct))!, 64, 64);
        Assert.Contains(map, value => value > 0);
        var (resized, _, _) = ReferenceImage.Load(blobs.FileOf(BlobPath.Parse(spec.Inputs.Reference)), 64, 64);
        byte[] portrait;
        using (resized)
        {
            portrait = resized.bytes.ToArray();
        }

        var difference = video[10].Zip(EngineJobPreviewer.Overlay(map, portrait), (a, b) => Math.Abs(a - b)).Average();
        Assert.True(difference < 4, $"preview frame differs from the overlay by {difference:F2}");
    }

    [Fact]
    public async Task Prepare_is_keyed_by_the_inputs_and_reused()
    {
        var spec = await UploadAsync("r", seconds: 1.0);
        var preparer = new EngineJobPreparer(Models.Value, blobs, root);
        var first = await preparer.PrepareAsync("job-r1", spec, Ct);
        var report = PreparedBlobs.Report(first.InputHash);
        var written = (await blobs.GetInfoAsync(report, Ct))!.LastModified;

        var second = await preparer.PrepareAsync("job-r2", spec with { Settings = spec.Settings with { Seed = 99, Steps = 3 } }, Ct);
        var resized = await preparer.PrepareAsync("job-r3", spec with { Settings = spec.Settings with { Width = 72 } }, Ct);

        Assert.Equal(first.InputHash, second.InputHash); // seed and steps do not change the prepared data
        Assert.Equal(written, (await blobs.GetInfoAsync(report, Ct))!.LastModified);
        Assert.NotEqual(first.InputHash, resized.InputHash);
        Assert.Equal(24, first.FrameCount);
        Assert.Equal("uploads/r/speech.wav", first.AudioBlob);
    }

    [Fact]
    public async Task Prepare_composes_a_gesture_as_long_as_the_audio_for_a_job_without_pose()
    {
        var spec = await UploadAsync("c", seconds: 3.0);
        var preparer = new EngineJobPreparer(Models.Value, blobs, root);

        var prepared = await preparer.PrepareAsync("job-c1", spec with { Inputs = spec.Inputs with { Pose = PoseSource.Composed } }, Ct);
        var report = (await blobs.ReadJsonAsync<PrepareReport>(PreparedBlobs.Report(prepared.InputHash), Ct))!;

        Assert.Equal(72, prepared.FrameCount); // 3 s at 24 fps
        Assert.Equal(72, await CountAsync(prepared.PoseBlobPrefix));
        Assert.True(report.GestureFrames >= 72, $"{report.GestureFrames} composed frames");
        Assert.DoesNotContain(report.Deviations, d => d.Contains("ping-pong", StringComparison.Ordinal));
        Assert.Equal("gesture:compose", report.PoseSource);
    }

    [Fact]
    public async Task Prepare_rejects_bad_inputs_naming_the_job_input()
    {
        var spec = await UploadAsync("b", seconds: 1.0);
        await blobs.PutTextAsync(BlobPath.Parse("uploads/b/noise.wav"), "not a sound", overwrite: true, Ct);
        var preparer = new EngineJobPreparer(Models.Value, blobs, root);

        var audio = await Assert.ThrowsAsync<InputException>(() =>
            preparer.PrepareAsync("job-b1", spec with { Inputs = spec.Inputs with { Audio = "uploads/b/noise.wav" } }, Ct));
        var gesture = await Assert.ThrowsAsync<InputException>(() =>
            preparer.PrepareAsync("job-b2", spec with { Inputs = spec.Inputs with { Pose = new PoseSource("moonwalk", null) } }, Ct));

        Assert.Equal("uploads/b/noise.wav", audio.Input);
        Assert.Equal("moonwalk", gesture.Input);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private async Task<RenderJobSpec> UploadAsync(string folder, double seconds)
    {
        await blobs.PutBytesAsync(new BlobPath(BlobContainers.Uploads, $"{folder}/ref.png"), PortraitPainter.PaintPng(64), true, Ct);
        await blobs.PutBytesAsync(new BlobPath(BlobContainers.Uploads, $"{folder}/speech.wav"), await TestMedia.ToneWavAsync(seconds), true, Ct);
        return new RenderJobSpec(new JobInputs($"uploads/{folder}/ref.png", $"uploads/{folder}/speech.wav", new PoseSource("breathing", null)),
            Core.Jobs.RenderSettings.Accelerated with { Steps = 2, Width = 64, Height = 64, Seed = 7 }, "video.mp4", null,
            new Dictionary<string, string>(), null);
    }

    private async Task<int> CountAsync(string prefix)
    {
        var path = BlobPath.Parse(prefix.TrimEnd('/'));
        var count = 0;
        await foreach (var _ in blobs.ListAsync(path.Container, path.Name + "/", Ct))
        {
            count++;
        }

        return count;
    }
}
