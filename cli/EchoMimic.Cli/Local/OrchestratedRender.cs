using System.Diagnostics;
using System.Text.Json.Nodes;
using EchoMimic.Core;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.Inference.Jobs;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace EchoMimic.Cli.Local;

/// <summary>What an orchestrated render produced.</summary>
public sealed record OrchestratedRenderResult(string Video, string ReportFile, JsonObject Report, int Frames, int Segments, double? SeamRatio,
    double WallSeconds);

/// <summary>Progress of an orchestrated render: the job's phase and segment count, and each worker's denoising steps.</summary>
public interface IOrchestratedProgress
{
    void Phase(string phase, int segmentsDone, int segmentCount);

    void Step(string workerId, int segment, int done, int total);
}

/// <summary>
/// <c>echomimic render</c> as the product runs it (issue 10, hosts): the inputs go into the uploads container of a
/// <see cref="LocalRuntime"/>, <see cref="RenderJobOrchestrator"/> prepares the job (engine preparer), plans
/// segments, dispatches them to N in-process workers (engine renderer), stitches them with the audio, and the
/// committed MP4 is copied to the requested path through a temporary name, with report.json beside it (the inputs,
/// settings and deviations of the engine plus the stitcher's segments, timings and seam metric). The same
/// orchestrator classes run on Azurite and in Azure: one code path from laptop to cloud.
/// </summary>
public static class OrchestratedRender
{
    public const string OutputName = "video.mp4";

    /// <summary>Bad input throws <see cref="InputException"/> before anything is written.</summary>
    public static async Task<OrchestratedRenderResult> RunAsync(RenderRequest request, PipelineModels models, int workers, int segmentLength,
        IOrchestratedProgress? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        Check(request, workers, segmentLength, cancellationToken);
        var s = request.Settings;

        // Each in-process worker gets an equal share of the cores, so N workers do not oversubscribe the machine.
        TorchSharp.torch.set_num_threads(Math.Max(1, Environment.ProcessorCount / workers));
        await using var runtime = await LocalRuntime.StartAsync(models, workers, s.Noise,
            (worker, task, done, total) => progress?.Step(worker, task.Segment.Index, done, total), cancellationToken).ConfigureAwait(false);
        var jobId = JobIds.Fresh("render", Random.Shared);
        var spec = await UploadAsync(runtime.Blobs, jobId, request, models.Precision, cancellationToken).ConfigureAwait(false);
        var options = RenderJobOptions.Default with
        {
            SegmentLength = segmentLength,
            Overlap = SegmentPlanner.MinimumOverlap,
            // One machine renders every segment: a deadline only catches a worker that died, and none can die alone here.
            SegmentDeadline = TimeSpan.FromDays(2),
            InputWait = TimeSpan.FromSeconds(5),
            InputPollInterval = TimeSpan.FromSeconds(1),
        };
        await runtime.Client.ScheduleNewOrchestrationInstanceAsync(nameof(RenderJobOrchestrator), new RenderJobInput(spec, options),
            new StartOrchestrationOptions(jobId), cancellationToken).ConfigureAwait(false);

        var (metadata, phaseTimes) = await WaitAsync(runtime.Client, jobId, progress, cancellationToken).ConfigureAwait(false);
        if (metadata.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            throw new RenderJobFailedException($"render job {jobId} ended {metadata.RuntimeStatus}: {metadata.FailureDetails?.ErrorMessage}");
        var outcome = metadata.ReadOutputAs<RenderJobOutcome>() ?? throw new InvalidOperationException($"render job {jobId} returned no outcome");
        if (outcome.Status != JobStatus.Succeeded) throw new RenderJobFailedException($"render job failed: {outcome.Error}");

        var video = runtime.Blobs.FileOf(JobBlobs.Video(jobId, OutputName));
        ClipRenderer.WriteAtomically(request.Output, temporary => File.Copy(video, temporary, overwrite: true));
        var prepared = await runtime.Blobs.ReadJsonAsync<PreparedJob>(JobBlobs.Prepared(jobId), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("the job's prepared.json is missing");
        var prepareReport = await runtime.Blobs.ReadJsonAsync<PrepareReport>(PreparedBlobs.Report(prepared.InputHash), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("the job's prepare report is missing");
        var stitch = JsonNode.Parse(await File.ReadAllTextAsync(runtime.Blobs.FileOf(JobBlobs.Report(jobId)), cancellationToken).ConfigureAwait(false))!
            .AsObject();
        phaseTimes["total"] = Math.Round(clock.Elapsed.TotalSeconds, 3);
        var report = ReportJson.Merge(request, models, prepareReport, stitch, phaseTimes, jobId, workers, options, outcome);
        var reportFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(request.Output))!, "report.json");
        ClipRenderer.WriteAtomically(reportFile, path => File.WriteAllText(path, report.ToJsonString(ReportJson.Indented)));
        return new OrchestratedRenderResult(Path.GetFullPath(request.Output), reportFile, report, prepareReport.FrameCount,
            outcome.Segments.Count, outcome.Stitch?.SeamRatio, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The cheap checks (flags, output folder, and reading the inputs), so bad input fails with exit code 2 before a
    /// job starts or any progress display opens; Prepare reads the inputs again inside the job.
    /// </summary>
    public static void Check(RenderRequest request, int workers, int segmentLength, CancellationToken cancellationToken = default)
    {
        var s = request.Settings;
        if (workers is < 1 or > 64) throw new InputException("--workers", $"{workers} is outside 1..64");
        if (segmentLength < 2 * SegmentPlanner.MinimumOverlap)
            throw new InputException("--segment-length", $"{segmentLength} is below {2 * SegmentPlanner.MinimumOverlap} frames (twice the {SegmentPlanner.MinimumOverlap}-frame overlap)");
        if (s.Fps != Math.Round(s.Fps)) throw new InputException("--fps", $"{s.Fps} must be a whole number of frames per second");
        // Inputs first: the writability probe creates the output folder, which a refused input must not leave behind.
        using (JobInputFiles.Read(request.Image, request.Audio, request.PoseFolder, null, s.Width, s.Height, s.Fps, cancellationToken))
        {
        }

        ClipRenderer.CheckWritable(request.Output);
    }

    /// <summary>Uploads the inputs under uploads/{job}/ as a caller of the cloud would, and returns the job's spec.</summary>
    private static async Task<RenderJobSpec> UploadAsync(IBlobStore blobs, string jobId, RenderRequest request, Precision precision, CancellationToken cancellationToken)
    {
        var reference = new BlobPath(BlobContainers.Uploads, $"{jobId}/reference{SafeExtension(request.Image)}");
        var audio = new BlobPath(BlobContainers.Uploads, $"{jobId}/audio{SafeExtension(request.Audio)}");
        await blobs.UploadFileAsync(request.Image, reference, overwrite: true, cancellationToken).ConfigureAwait(false);
        await blobs.UploadFileAsync(request.Audio, audio, overwrite: true, cancellationToken).ConfigureAwait(false);
        foreach (var file in Directory.EnumerateFiles(request.PoseFolder))
        {
            await blobs.UploadFileAsync(file, new BlobPath(BlobContainers.Uploads, $"{jobId}/pose/{Path.GetFileName(file)}"), overwrite: true,
                cancellationToken).ConfigureAwait(false);
        }

        var s = request.Settings;
        var settings = new Core.Jobs.RenderSettings(s.Accelerated ? RenderMode.Accelerated : RenderMode.Standard, s.Steps, s.GuidanceScale, s.Seed,
            s.Width, s.Height, (int)s.Fps) { Precision = precision };
        return new RenderJobSpec(new JobInputs(reference.ToString(), audio.ToString(), new PoseSource(null, $"{BlobContainers.Uploads}/{jobId}/pose/")),
            settings, OutputName, null, new Dictionary<string, string>(), null);
    }

    /// <summary>Polls the orchestration until it ends, forwarding phase and segment counts; returns seconds spent per phase.</summary>
    private static async Task<(OrchestrationMetadata, Dictionary<string, double>)> WaitAsync(DurableTaskClient client, string jobId,
        IOrchestratedProgress? progress, CancellationToken cancellationToken)
    {
        var times = new Dictionary<string, double>();
        var phaseClock = Stopwatch.StartNew();
        string? phase = null;
        while (true)
        {
            OrchestrationMetadata? metadata;
            try
            {
                metadata = await client.GetInstanceAsync(jobId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await client.RaiseEventAsync(jobId, RenderJobEvents.Cancel, "interrupted", CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            if (metadata is not null && metadata.IsCompleted)
            {
                if (phase is not null) times[$"phase_{phase}"] = Math.Round(phaseClock.Elapsed.TotalSeconds, 3);
                return (metadata, times);
            }

            if (metadata?.SerializedCustomStatus is not null && metadata.ReadCustomStatusAs<RenderJobProgress>() is { } status)
            {
                if (status.Phase != phase)
                {
                    if (phase is not null) times[$"phase_{phase}"] = Math.Round(phaseClock.Elapsed.TotalSeconds, 3);
                    phase = status.Phase;
                    phaseClock.Restart();
                }

                progress?.Phase(status.Phase, status.SegmentsDone, status.SegmentCount);
            }

            try
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await client.RaiseEventAsync(jobId, RenderJobEvents.Cancel, "interrupted", CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }

    private static string SafeExtension(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension.Length is > 1 and <= 8 && extension[1..].All(char.IsAsciiLetterOrDigit) ? extension : ".bin";
    }
}
