using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EchoMimic.Core;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using EchoMimic.Inference.Audio;
using EchoMimic.Inference.Gestures.Composition;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.Jobs;

/// <summary>
/// The engine side of the Prepare activity (<see cref="IJobPreparer"/>): downloads the job's inputs, checks them,
/// runs whisper once over the whole audio file (segments take slices of its per-frame chunks), composes the gesture
/// from the speech (pose source <c>compose</c>) or fits the given one to the audio by ping-pong, and draws one pose map per frame, and VAE-encodes the reference once. Everything is stored
/// under <c>work/prepared/{input hash}</c> (<see cref="PreparedBlobs"/>), so a repeated Prepare, or another job with
/// the same inputs, size, fps and weights, reuses it.
/// </summary>
public sealed class EngineJobPreparer(PipelineModels models, IBlobStore blobs, string? scratchRoot = null) : IJobPreparer
{
    /// <summary>Bumped when the prepared data's format or content changes, so old preparations are not reused.</summary>
    private const string FormatTag = "prepare-v1";

    public async Task<PreparedJob> PrepareAsync(string jobId, RenderJobSpec spec, CancellationToken cancellationToken)
    {
        var settings = spec.Settings;
        var scratch = Path.Combine(scratchRoot ?? Path.GetTempPath(), $"prepare-{jobId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var image = Path.Combine(scratch, "reference" + Extension(spec.Inputs.Reference));
            var audio = Path.Combine(scratch, "audio" + Extension(spec.Inputs.Audio));
            await DownloadInputAsync(spec.Inputs.Reference, image, cancellationToken).ConfigureAwait(false);
            await DownloadInputAsync(spec.Inputs.Audio, audio, cancellationToken).ConfigureAwait(false);
            string? poseFolder = null;
            string poseSha;
            if (spec.Inputs.Pose.Folder is { } folder)
            {
                poseFolder = Path.Combine(scratch, "pose");
                await DownloadFolderAsync(folder, poseFolder, cancellationToken).ConfigureAwait(false);
                poseSha = RenderReport.Sha256OfFolder(poseFolder);
            }
            else
            {
                // A composed gesture depends on the seed too (the audio is hashed on its own).
                poseSha = Sha256(Encoding.UTF8.GetBytes("gesture:" + spec.Inputs.Pose.Gesture +
                    (spec.Inputs.Pose.Gesture == PoseSource.Compose ? ":" + GestureComposer.SeedOf(settings.Seed).ToString(CultureInfo.InvariantCulture) : "")));
            }

            var referenceSha = RenderReport.Sha256OfFile(image);
            var audioSha = RenderReport.Sha256OfFile(audio);
            var hash = Sha256(Encoding.UTF8.GetBytes(string.Join('\n', FormatTag, referenceSha, audioSha, poseSha,
                settings.Width.ToString(CultureInfo.InvariantCulture), settings.Height.ToString(CultureInfo.InvariantCulture),
                settings.Fps.ToString(CultureInfo.InvariantCulture), models.Identity)));
            var report = await blobs.ReadJsonAsync<PrepareReport>(PreparedBlobs.Report(hash), cancellationToken).ConfigureAwait(false);
            if (report is null)
            {
                report = await Task.Run(() => Compute(spec, image, audio, poseFolder, hash, referenceSha, audioSha, poseSha, cancellationToken),
                    cancellationToken).ConfigureAwait(false);
                await blobs.PutJsonAsync(PreparedBlobs.Report(hash), report, overwrite: false, cancellationToken).ConfigureAwait(false);
            }

            return new PreparedJob(jobId, report.FrameCount, report.Fps, report.AudioSeconds, hash,
                PreparedBlobs.ReferenceLatents(hash).ToString(), spec.Inputs.Audio, PreparedBlobs.AudioFeatures(hash).ToString(),
                PreparedBlobs.PosePrefix(hash));
        }
        catch (InputException e)
        {
            // Name the job's input, not the scratch copy the engine read.
            throw new InputException(NameOf(e.Input, spec, scratch), e.Problem);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private PrepareReport Compute(RenderJobSpec spec, string image, string audio, string? poseFolder, string hash, string referenceSha,
        string audioSha, string poseSha, CancellationToken cancellationToken)
    {
        var s = spec.Settings;
        var timings = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        void Mark(string stage)
        {
            timings[stage] = Math.Round(clock.Elapsed.TotalSeconds, 3);
            clock.Restart();
        }

        using var inputs = JobInputFiles.Read(image, audio, poseFolder, spec.Inputs.Pose.Gesture, s.Width, s.Height, s.Fps, cancellationToken,
            GestureComposer.SeedOf(s.Seed));
        var deviations = new List<string>
        {
            "float32 inference (official: fp16 on CUDA)",
            "pose canvas built as H x W (official allocates W x H, so only square sizes work there)",
            ReferenceImage.ResizeNote,
        };
        Mark("read_inputs");

        using var features = new AudioFeatureExtractor(models.Whisper).Extract(inputs.Samples, s.Fps, cancellationToken: cancellationToken);
        var frames = Math.Min((int)(inputs.AudioSeconds * s.Fps), features.ChunkCount);
        using (var buffer = new MemoryStream())
        {
            features.Save(buffer);
            Put(PreparedBlobs.AudioFeatures(hash), buffer.ToArray(), cancellationToken);
        }

        Mark("audio_features");

        if (inputs.Gesture.Count < frames)
        {
            deviations.Add($"gesture of {inputs.Gesture.Count} frames extended by ping-pong to {frames} frames to cover the whole audio (official: video cut to min(audio, pose frames))");
        }

        var rescaledAny = false;
        var fitted = GestureSequence.Fit(inputs.Gesture, frames);
        var posePrefix = PreparedBlobs.PosePrefix(hash);
        for (var f = 0; f < frames; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var map = PoseMapRenderer.RenderFrame(fitted[f], s.Height, s.Width, out var rescaled);
            rescaledAny |= rescaled;
            Put(PreparedBlobs.PoseMap(posePrefix, f), PoseMapImages.EncodePng(map, s.Width, s.Height), cancellationToken);
        }

        if (rescaledAny)
        {
            deviations.Add("pose files' draw_pose_params do not describe the render size: hands drawn at the render size from their normalised coordinates (official: broadcast error)");
        }

        Mark("pose_maps");

        using (var reference = InputPreparation.ReferenceTensor(inputs.Image))
        using (var latents = InputPreparation.ReferenceLatents(models, reference))
        {
            Put(PreparedBlobs.ReferenceLatents(hash), TensorBlob.ToBytes(latents), cancellationToken);
        }

        Mark("reference_latents");
        return new PrepareReport(hash, frames, s.Fps, Math.Round(inputs.AudioSeconds, 3), s.Width, s.Height, referenceSha, audioSha,
            spec.Inputs.Pose.Folder ?? "gesture:" + spec.Inputs.Pose.Gesture, poseSha, inputs.Gesture.Count, models.Identity, models.IsDemo,
            deviations, timings);
    }

    private void Put(BlobPath path, byte[] bytes, CancellationToken cancellationToken) =>
        blobs.PutBytesAsync(path, bytes, overwrite: true, cancellationToken).GetAwaiter().GetResult();

    private async Task DownloadInputAsync(string blob, string file, CancellationToken cancellationToken)
    {
        if (!await blobs.ExistsAsync(BlobPath.Parse(blob), cancellationToken).ConfigureAwait(false))
        {
            throw new InputException(blob, "input missing");
        }

        await blobs.DownloadToFileAsync(BlobPath.Parse(blob), file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies the pose folder's top-level files (N.npy) to a local folder for <see cref="NpyPoseReader"/>.</summary>
    private async Task DownloadFolderAsync(string folder, string target, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(target);
        var prefix = BlobPath.Parse(folder.TrimEnd('/'));
        await foreach (var blob in blobs.ListAsync(prefix.Container, prefix.Name + "/", cancellationToken).ConfigureAwait(false))
        {
            var name = blob.Path.Name[(prefix.Name.Length + 1)..];
            if (!name.Contains('/'))
            {
                await blobs.DownloadToFileAsync(blob.Path, Path.Combine(target, name), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string NameOf(string input, RenderJobSpec spec, string scratch)
    {
        if (!input.StartsWith(scratch, StringComparison.Ordinal))
        {
            return input;
        }

        var local = Path.GetFileName(input.TrimEnd('/'));
        if (local.StartsWith("reference", StringComparison.Ordinal)) return spec.Inputs.Reference;
        if (local.StartsWith("audio", StringComparison.Ordinal)) return spec.Inputs.Audio;
        return (spec.Inputs.Pose.Folder ?? "pose") + (input.Contains($"{Path.DirectorySeparatorChar}pose{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? local : "");
    }

    private static string Extension(string blob)
    {
        var extension = Path.GetExtension(blob);
        return extension.Length is > 0 and <= 8 ? extension : ".bin";
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
