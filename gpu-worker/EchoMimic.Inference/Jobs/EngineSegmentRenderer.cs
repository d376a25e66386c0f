using System.Diagnostics;
using System.Globalization;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Inference.Audio;
using EchoMimic.Core.Jobs;
using RenderSettings = EchoMimic.Inference.Pipeline.RenderSettings;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Torch;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Jobs;

/// <summary>
/// The engine behind <see cref="ISegmentRenderer"/>: renders global frames [RenderStart, RenderEnd) of a prepared job
/// with <see cref="SegmentRenderer"/>. It reads only its own slice of the prepared data (audio chunks, pose maps) plus
/// the shared reference latents, draws the initial noise of exactly those frames (<see cref="InitialNoise"/>: per-frame
/// noise keyed by (seed, global frame index), or the slice of the official whole-clip draw), so overlapping frames of
/// neighbouring segments start from identical noise and a retry reproduces the clip. Writes the clip losslessly
/// (H.264 RGB, qp 0: the stitcher re-encodes once) and the final latents in the <see cref="OverlapLatents"/> format.
/// </summary>
public sealed class EngineSegmentRenderer(PipelineModels models, NoiseMode noise = NoiseMode.PerFrame) : ISegmentRenderer
{
    /// <summary>Called after each denoising step with (task, step done, steps); the CLI draws progress from it.</summary>
    public Action<SegmentTask, int, int>? StepCompleted { get; init; }

    public NoiseMode Noise { get; } = noise;

    public Task<RenderedSegment> RenderAsync(SegmentRenderRequest request, CancellationToken cancellationToken) =>
        Task.Run(() => Render(request, cancellationToken), cancellationToken);

    private RenderedSegment Render(SegmentRenderRequest request, CancellationToken cancellationToken)
    {
        var task = request.Task;
        var prepared = request.Prepared;
        var settings = EngineSettings.From(task.Settings, Noise);
        if (task.Settings.Precision is { } asked && asked != models.Precision)
        {
            throw new InvalidOperationException($"the job asks for {asked.Name()} networks; this worker's are {models.Precision.Name()} " +
                $"(set {TorchPrecision.Variable}={asked.Name()} on the worker, or leave settings.precision out of the job)");
        }
        int start = task.Segment.RenderStart, count = task.Segment.RenderedFrames;
        if (start < 0 || count <= 0 || task.Segment.RenderEnd > prepared.FrameCount)
        {
            throw new InvalidOperationException($"frames [{start}, {task.Segment.RenderEnd}) are outside the job's {prepared.FrameCount} frames");
        }

        using var inputs = LoadInputs(request, settings, start, count, cancellationToken);
        var renderer = new SegmentRenderer(models)
        {
            StepCompleted = (i, n, _) => StepCompleted?.Invoke(task, i + 1, n),
            FrameDecoded = (i, _) => request.FramesDone?.Report(i + 1),
        };
        // Drawn on the CPU (the generator that reproduces the official draw), then moved to the models' device.
        using var cpuNoise = InitialNoise.Latents(settings.Noise, settings.Seed, prepared.FrameCount, start, count, settings.LatentHeight,
            settings.LatentWidth);
        using var initial = cpuNoise.to(models.Device);
        using var deviceLatents = renderer.Denoise(inputs, initial, settings, cancellationToken);
        using var deviceVideo = renderer.Decode(deviceLatents, cancellationToken);
        // Bytes are read on the CPU.
        using var latents = deviceLatents.cpu();
        using var video = deviceVideo.cpu();

        var clip = Path.Combine(request.ScratchDirectory, "clip.mp4");
        WriteClip(video, clip, settings, cancellationToken);
        var latentsFile = Path.Combine(request.ScratchDirectory, "clip" + OverlapLatents.FileExtension);
        WriteLatents(latents, latentsFile);
        return new RenderedSegment(clip, count, latentsFile);
    }

    /// <summary>The slice of the prepared job this segment needs, as the denoising loop's inputs.</summary>
    private PreparedInputs LoadInputs(SegmentRenderRequest request, RenderSettings settings, int start, int count,
        CancellationToken cancellationToken)
    {
        var prepared = request.Prepared;
        var blobs = request.Blobs;
        using var scope = NewDisposeScope();
        var reference = TensorBlob.FromBytes(Read(blobs, BlobPath.Parse(prepared.ReferenceBlob), cancellationToken));
        Tensor chunks;
        using (var stream = new MemoryStream(Read(blobs, BlobPath.Parse(prepared.AudioFeaturesBlob), cancellationToken), writable: false))
        using (var features = AudioFeatures.Load(stream))
        {
            chunks = features.Chunks(start, count);
        }

        int width = settings.Width, height = settings.Height;
        var maps = new byte[(long)count * height * width * 3];
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var png = Read(blobs, PreparedBlobs.PoseMap(prepared.PoseBlobPrefix, start + i), cancellationToken);
            PoseMapImages.DecodePng(png, width, height).CopyTo(maps, (long)i * height * width * 3);
        }

        // The same layout PoseMapRenderer.RenderSequence gives the whole clip: (1, 3, L, H, W) float32 = uint8 / 255,
        // read on the CPU and moved to the models' device with the other inputs.
        var device = models.Device;
        var poseMaps = (tensor(maps, [count, height, width, 3], ScalarType.Byte).to(device).permute(3, 0, 1, 2).unsqueeze(0)
            .to_type(ScalarType.Float32) / 255.0f).contiguous();
        var pose = InputPreparation.PoseFeatures(models, poseMaps);
        return new PreparedInputs(reference.to(device).MoveToOuterDisposeScope(), pose.MoveToOuterDisposeScope(),
            chunks.to(device).MoveToOuterDisposeScope(), count, width, height);
    }

    private static byte[] Read(IBlobStore blobs, BlobPath path, CancellationToken cancellationToken) =>
        blobs.ReadBytesAsync(path, cancellationToken).GetAwaiter().GetResult()
        ?? throw new InvalidOperationException($"prepared blob {path} does not exist");

    /// <summary>Frames as <c>save_videos_grid</c> converts them ((x * 255) truncated to uint8), losslessly encoded.</summary>
    private static void WriteClip(Tensor video, string path, RenderSettings settings, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Core.Media.MediaTools.Ffmpeg)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
            "-s", $"{settings.Width}x{settings.Height}", "-r", settings.Fps.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0",
            "-c:v", "libx264rgb", "-qp", "0", "-preset", "ultrafast", "-pix_fmt", "rgb24", "-f", "mp4", path })
        {
            info.ArgumentList.Add(argument);
        }

        using var ffmpeg = Process.Start(info) ?? throw new InvalidOperationException("cannot start ffmpeg");
        var errors = ffmpeg.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            using var frames = (video[0].permute(1, 2, 3, 0) * 255.0f).to_type(ScalarType.Byte).contiguous();
            var stdin = ffmpeg.StandardInput.BaseStream;
            var frameCount = (int)frames.shape[0];
            for (var f = 0; f < frameCount; f++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var frame = frames[f];
                stdin.Write(frame.bytes);
            }

            stdin.Close();
            ffmpeg.WaitForExit();
            if (ffmpeg.ExitCode != 0)
            {
                throw new InvalidOperationException($"ffmpeg failed writing the segment clip: {errors.Result.Trim()}");
            }
        }
        finally
        {
            if (!ffmpeg.HasExited)
            {
                ffmpeg.Kill();
                ffmpeg.WaitForExit();
            }
        }
    }

    /// <summary><see cref="OverlapLatents"/>: int32 frames, channels, height, width, then float32 (frame, c, h, w) little-endian.</summary>
    private static void WriteLatents(Tensor latents, string path)
    {
        using var frames = latents[0].permute(1, 0, 2, 3).to_type(ScalarType.Float32).contiguous();
        using var file = File.Create(path);
        using var writer = new BinaryWriter(file);
        foreach (var size in frames.shape) writer.Write((int)size);
        writer.Write(frames.bytes);
    }
}
