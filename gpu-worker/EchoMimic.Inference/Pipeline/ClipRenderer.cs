using System.Diagnostics;
using EchoMimic.Core;
using EchoMimic.Inference.Audio;
using EchoMimic.Inference.Pose;
using EchoMimic.Inference.Video;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Pipeline;

/// <summary>What to render: input files, the output MP4 and the settings.</summary>
public sealed record RenderRequest(string Image, string Audio, string PoseFolder, string Output, RenderSettings Settings);

/// <summary>Progress of a render: stage names, denoising steps, decoded frames.</summary>
public interface IRenderProgress
{
    void Stage(string name);
    void Step(int done, int total);
    void Frame(int done, int total);
}

/// <summary>
/// Renders one clip on this machine: reads and checks the inputs, prepares them once, runs
/// <see cref="SegmentRenderer"/> over the whole clip, writes the MP4 under a temporary name and renames it into
/// place (no partial file is ever visible under the final name; cancellation leaves nothing), then report.json.
/// </summary>
public sealed class ClipRenderer(PipelineModels models)
{
    public RenderReport Render(RenderRequest request, IRenderProgress? progress = null, CancellationToken cancellationToken = default)
    {
        var s = request.Settings;
        if (s.Width % 8 != 0 || s.Width <= 0) throw new InputException("--width", $"{s.Width} is not a positive multiple of 8");
        if (s.Height % 8 != 0 || s.Height <= 0) throw new InputException("--height", $"{s.Height} is not a positive multiple of 8");
        var timings = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        void Mark(string stage) { timings[stage] = Math.Round(clock.Elapsed.TotalSeconds, 3); clock.Restart(); }
        var deviations = new List<string>
        {
            "float32 inference (official: fp16 on CUDA)",
            "pose canvas built as H x W (official allocates W x H, so only square sizes work there)",
            ReferenceImage.ResizeNote,
        };

        var outputDirectory = Path.GetDirectoryName(Path.GetFullPath(request.Output))!;
        CheckWritable(request.Output);

        progress?.Stage("reading inputs");
        var (image, _, _) = ReferenceImage.Load(request.Image, s.Width, s.Height);
        var gesture = NpyPoseReader.ReadFolder(request.PoseFolder);
        var samples = AudioFileDecoder.Decode(request.Audio, cancellationToken);
        double seconds = samples.Length / (double)AudioFileDecoder.SampleRate;
        int frames = (int)(seconds * s.Fps);
        if (frames < 1) throw new InputException(request.Audio, $"audio is too short ({seconds * 1000:F0} ms) for one video frame at {s.Fps} fps");
        Mark("read_inputs");

        progress?.Stage("audio features");
        using var audio = new AudioFeatureExtractor(models.Whisper).Extract(samples, s.Fps, cancellationToken: cancellationToken);
        frames = Math.Min(frames, audio.ChunkCount);
        Mark("audio_features");

        progress?.Stage("pose maps");
        if (gesture.Count < frames)
            deviations.Add($"gesture of {gesture.Count} frames extended by ping-pong to {frames} frames to cover the whole audio (official: video cut to min(audio, pose frames))");
        using var poseMaps = PoseMapRenderer.RenderSequence(GestureSequence.Fit(gesture, frames), s.Height, s.Width, out bool rescaled);
        if (rescaled) deviations.Add("pose files' draw_pose_params do not describe the render size: hands drawn at the render size from their normalised coordinates (official: broadcast error)");
        Mark("pose_maps");

        progress?.Stage("preparing");
        using var prepared = InputPreparation.Prepare(models, image, audio, poseMaps);
        Mark("prepare");

        if (s.Noise == NoiseMode.PerFrame) deviations.Add("per-frame noise keyed by (seed, frame): differs from the official video for the same seed");
        if (!s.Accelerated && !s.ClassifierFreeGuidance) deviations.Add("standard pipeline without CFG (official infer.py crashes with cfg <= 1)");
        var renderer = new SegmentRenderer(models)
        {
            StepCompleted = (i, n, _) => progress?.Step(i + 1, n),
            FrameDecoded = (i, n) => progress?.Frame(i + 1, n),
        };
        progress?.Stage("denoising");
        using var noise = InitialNoise.Latents(s.Noise, s.Seed, frames, 0, frames, s.LatentHeight, s.LatentWidth);
        using var latents = renderer.Denoise(prepared, noise, s, cancellationToken);
        Mark("denoise");
        progress?.Stage("decoding");
        using var video = renderer.Decode(latents, cancellationToken);
        Mark("decode");

        progress?.Stage("writing video");
        WriteVideo(video, request, s, cancellationToken);
        Mark("encode");

        var report = new RenderReport
        {
            Video = Path.GetFullPath(request.Output),
            Image = new ReportInput(Path.GetFullPath(request.Image), RenderReport.Sha256OfFile(request.Image)),
            Audio = new ReportInput(Path.GetFullPath(request.Audio), RenderReport.Sha256OfFile(request.Audio)),
            Pose = new ReportInput(Path.GetFullPath(request.PoseFolder), RenderReport.Sha256OfFolder(request.PoseFolder)),
            Weights = models.Identity,
            DemoWeights = models.IsDemo,
            Seed = s.Seed,
            Noise = s.Noise == NoiseMode.Official ? "official" : "per-frame",
            Schedule = s.Accelerated ? "accelerated" : "standard",
            Steps = s.Steps,
            Cfg = s.GuidanceScale,
            Width = s.Width,
            Height = s.Height,
            Fps = s.Fps,
            Frames = frames,
            AudioSeconds = Math.Round(seconds, 3),
            GestureFrames = gesture.Count,
            DeviationsFromOfficial = deviations,
            TimingsSeconds = timings,
        };
        WriteAtomically(Path.Combine(outputDirectory, "report.json"), path => File.WriteAllText(path, report.ToJson()));
        return report;
    }

    private static void WriteVideo(Tensor video, RenderRequest request, RenderSettings s, CancellationToken cancellationToken)
    {
        WriteAtomically(request.Output, temporary =>
        {
            using var writer = new Mp4Writer(temporary, s.Width, s.Height, s.Fps, request.Audio);
            int frames = (int)video.shape[2];
            for (int f = 0; f < frames; f++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var frame = video[0, TensorIndex.Colon, f].contiguous();
                writer.WriteFrame(frame.data<float>().ToArray());
            }
            writer.Finish();
        });
    }

    /// <summary>Writes through a temporary name in the same folder and renames it into place; on any failure the temporary file is removed.</summary>
    public static void WriteAtomically(string path, Action<string> write)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, $".{Path.GetFileNameWithoutExtension(path)}.partial-{Guid.NewGuid():N}{Path.GetExtension(path)}");
        try
        {
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Fails with an <see cref="InputException"/> naming <paramref name="output"/> before any work when it is a folder or its folder cannot be written.</summary>
    public static void CheckWritable(string output) => Media.WritableOutput.File(output);
}
