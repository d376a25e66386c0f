using System.Text.Json;
using System.Text.Json.Nodes;
using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Jobs;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Orchestration.RenderJobs;

namespace EchoMimic.Cli.Local;

/// <summary>
/// report.json of an orchestrated render: the engine's report (<see cref="RenderReport"/>: inputs' SHA-256, weights,
/// noise mode, settings, deviations, timings) with the control plane's facts added: how the job was split and run
/// (<c>orchestration</c>), each segment's worker, attempts and timing (<c>segments</c>), and the seam metric
/// (<c>seams</c>), as the stitcher measured them.
/// </summary>
public static class ReportJson
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Merge(RenderRequest request, PipelineModels models, PrepareReport prepared, JsonObject stitch,
        IReadOnlyDictionary<string, double> phaseTimes, string jobId, int workers, RenderJobOptions options, RenderJobOutcome outcome)
    {
        var s = request.Settings;
        var deviations = prepared.Deviations.ToList();
        if (s.Noise == NoiseMode.PerFrame) deviations.Add("per-frame noise keyed by (seed, frame): differs from the official video for the same seed");
        if (!s.Accelerated && !s.ClassifierFreeGuidance) deviations.Add("standard pipeline without CFG (official infer.py crashes with cfg <= 1)");
        if (models.Precision != Precision.Fp16) deviations.Add($"networks in {models.Precision.Name()} (official: float16, weight_dtype fp16)");
        if (outcome.Segments.Count > 1)
        {
            deviations.Add($"denoised as {outcome.Segments.Count} segments of ~{options.SegmentLength} frames with {options.Overlap} frames of overlap each side, " +
                "crossfaded at the seams (official: the whole clip at once, context windows averaged across it)");
        }

        var timings = new Dictionary<string, double>(prepared.TimingsSeconds.Select(t => KeyValuePair.Create($"prepare_{t.Key}", t.Value)));
        foreach (var (name, seconds) in phaseTimes) timings[name] = seconds;
        var engine = new RenderReport
        {
            Video = Path.GetFullPath(request.Output),
            Image = new ReportInput(Path.GetFullPath(request.Image), prepared.ReferenceSha256),
            Audio = new ReportInput(Path.GetFullPath(request.Audio), prepared.AudioSha256),
            Pose = new ReportInput(Path.GetFullPath(request.PoseFolder), prepared.PoseSha256),
            Weights = models.Identity,
            DemoWeights = models.IsDemo,
            Seed = s.Seed,
            Noise = s.Noise == NoiseMode.Official ? "official" : "per-frame",
            Schedule = s.Accelerated ? "accelerated" : "standard",
            Precision = models.Precision.Name(),
            PrecisionReason = models.PrecisionReason,
            Steps = s.Steps,
            Cfg = s.GuidanceScale,
            Width = s.Width,
            Height = s.Height,
            Fps = s.Fps,
            Frames = prepared.FrameCount,
            AudioSeconds = prepared.AudioSeconds,
            GestureFrames = prepared.GestureFrames,
            DeviationsFromOfficial = deviations,
            TimingsSeconds = timings,
        };
        var report = JsonNode.Parse(engine.ToJson())!.AsObject();
        report["orchestration"] = new JsonObject
        {
            ["engine"] = "Durable Task in-memory host (Microsoft.DurableTask.InProcessTestHost), RenderJobOrchestrator",
            ["job_id"] = jobId,
            ["workers"] = workers,
            ["torch_threads_per_worker"] = Math.Max(1, Environment.ProcessorCount / workers),
            ["segment_length"] = options.SegmentLength,
            ["overlap"] = options.Overlap,
            ["segment_count"] = outcome.Segments.Count,
            ["prepared_input_hash"] = prepared.InputHash,
        };
        report["segments"] = Field(stitch, "segments")?.DeepClone();
        report["seams"] = Field(stitch, "seams")?.DeepClone();
        report["blend"] = Field(stitch, "blend")?.DeepClone();
        report["stitch_seconds"] = Field(stitch, "stitchSeconds")?.DeepClone();
        report["video_seconds"] = Field(stitch, "durationSeconds")?.DeepClone();
        return report;
    }

    private static JsonNode? Field(JsonObject json, string name) =>
        json.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
