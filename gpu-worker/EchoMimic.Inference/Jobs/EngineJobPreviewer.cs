using System.Diagnostics;
using System.Globalization;
using EchoMimic.Core.Ports;
using EchoMimic.Inference.Audio;
using EchoMimic.Inference.Pipeline;

namespace EchoMimic.Inference.Jobs;

/// <summary>
/// The preview job type (<see cref="IJobPreviewer"/>; issue 6's cheap preview, as a job): every frame is the job's
/// prepared pose map drawn over the portrait (resized as the engine resizes the reference), encoded once with the audio
/// into a faststart MP4 with a poster and report.json. No model runs, so it costs seconds on any worker, and it shows
/// exactly the pose maps and timing a render would use. Outputs are committed first-writer-wins and report.json last,
/// so a repeated preview returns the stored outputs.
/// </summary>
public sealed class EngineJobPreviewer(IBlobStore blobs, string? scratchRoot = null) : IJobPreviewer
{
    /// <summary>Portrait pixels under no skeleton are dimmed to this share so the drawn pose stands out.</summary>
    private const float PortraitShare = 0.5f;

    public async Task<StitchResult> PreviewAsync(PreviewRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reportBlob = BlobPath.Parse(request.ReportBlob);
        if (await blobs.ReadJsonAsync<PreviewReport>(reportBlob, cancellationToken).ConfigureAwait(false) is { } done)
        {
            return ResultOf(request, done);
        }

        var clock = Stopwatch.StartNew();
        var prepared = request.Prepared;
        var settings = request.Spec.Settings;
        int width = settings.Width, height = settings.Height;
        var scratch = Path.Combine(scratchRoot ?? Path.GetTempPath(), $"preview-{prepared.JobId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var image = Path.Combine(scratch, "reference" + Path.GetExtension(request.Spec.Inputs.Reference));
            var audio = Path.Combine(scratch, "audio" + Path.GetExtension(prepared.AudioBlob));
            await blobs.DownloadToFileAsync(BlobPath.Parse(request.Spec.Inputs.Reference), image, cancellationToken).ConfigureAwait(false);
            await blobs.DownloadToFileAsync(BlobPath.Parse(prepared.AudioBlob), audio, cancellationToken).ConfigureAwait(false);
            byte[] portrait;
            var (resized, _, _) = ReferenceImage.Load(image, width, height);
            using (resized)
            {
                portrait = resized.bytes.ToArray();
            }

            var video = Path.Combine(scratch, "preview.mp4");
            await EncodeAsync(prepared, portrait, audio, width, height, video, cancellationToken).ConfigureAwait(false);
            var poster = Path.Combine(scratch, "poster.jpg");
            var middle = (prepared.FrameCount / 2.0 / prepared.Fps).ToString("0.###", CultureInfo.InvariantCulture);
            await RunAsync(["-v", "error", "-ss", middle, "-i", video, "-frames:v", "1", "-q:v", "3", "-y", poster], cancellationToken)
                .ConfigureAwait(false);

            await blobs.UploadFileAsync(video, BlobPath.Parse(request.VideoBlob), overwrite: false, cancellationToken).ConfigureAwait(false);
            await blobs.UploadFileAsync(poster, BlobPath.Parse(request.PosterBlob), overwrite: false, cancellationToken).ConfigureAwait(false);
            var report = new PreviewReport("preview", prepared.FrameCount, prepared.Fps, (double)prepared.FrameCount / prepared.Fps,
                prepared.AudioSeconds, width, height, clock.Elapsed.TotalSeconds, prepared.InputHash,
                "pose maps drawn over the portrait with the audio; nothing was denoised");
            await blobs.PutJsonAsync(reportBlob, report, overwrite: false, cancellationToken).ConfigureAwait(false);
            return ResultOf(request, (await blobs.ReadJsonAsync<PreviewReport>(reportBlob, cancellationToken).ConfigureAwait(false))!);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>One output frame: the pose map where it drew something (any channel lit), the dimmed portrait elsewhere.</summary>
    public static byte[] Overlay(byte[] poseMap, byte[] portrait)
    {
        ArgumentNullException.ThrowIfNull(poseMap);
        ArgumentNullException.ThrowIfNull(portrait);
        var frame = new byte[portrait.Length];
        for (var i = 0; i < frame.Length; i += 3)
        {
            var lit = poseMap[i] > 0 || poseMap[i + 1] > 0 || poseMap[i + 2] > 0;
            for (var c = 0; c < 3; c++)
            {
                frame[i + c] = lit ? poseMap[i + c] : (byte)(portrait[i + c] * PortraitShare);
            }
        }

        return frame;
    }

    private async Task EncodeAsync(PreparedJob prepared, byte[] portrait, string audio, int width, int height, string output,
        CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Core.Media.MediaTools.Ffmpeg)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}",
            "-r", prepared.Fps.ToString(CultureInfo.InvariantCulture), "-i", "-", "-i", audio, "-map", "0:v:0", "-map", "1:a:0",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
            "-movflags", "+faststart", "-y", output })
        {
            info.ArgumentList.Add(argument);
        }

        using var ffmpeg = Process.Start(info) ?? throw new InvalidOperationException("cannot start ffmpeg");
        var errors = ffmpeg.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            var stdin = ffmpeg.StandardInput.BaseStream;
            for (var f = 0; f < prepared.FrameCount; f++)
            {
                var png = await blobs.ReadBytesAsync(PreparedBlobs.PoseMap(prepared.PoseBlobPrefix, f), cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"pose map {f} of {prepared.PoseBlobPrefix} does not exist");
                await stdin.WriteAsync(Overlay(PoseMapImages.DecodePng(png, width, height), portrait), cancellationToken).ConfigureAwait(false);
            }

            stdin.Close();
            await ffmpeg.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (ffmpeg.ExitCode != 0)
            {
                throw new InvalidOperationException($"ffmpeg failed writing the preview: {(await errors.ConfigureAwait(false)).Trim()}");
            }
        }
        finally
        {
            if (!ffmpeg.HasExited)
            {
                ffmpeg.Kill();
                await ffmpeg.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task RunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Core.Media.MediaTools.Ffmpeg) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start ffmpeg");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg failed: {(await errors.ConfigureAwait(false)).Trim()}");
        }
    }

    private static StitchResult ResultOf(PreviewRequest request, PreviewReport report) =>
        new(request.VideoBlob, request.PosterBlob, request.ReportBlob, report.FrameCount, report.DurationSeconds, SeamRatio: null);
}
