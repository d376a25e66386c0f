using System.Diagnostics;
using EchoMimic.Core.Media;
using System.Globalization;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;

namespace EchoMimic.Worker.Stitching;

/// <summary>
/// Stitches segment clips with ffmpeg: every clip is decoded to RGB frames, each output frame is taken from its
/// owning segment or, across a seam, blended between both neighbours over the 2·O frames both rendered
/// (<see cref="StitchPlan"/>): in latent space and decoded with <paramref name="decoder"/> (the engine's VAE) when the
/// workers uploaded latents (<see cref="LatentSeamBlender"/>), else as a pixel crossfade. Then it is encoded once (H.264, yuv420p) with the job's audio muxed in and the index moved
/// to the front (faststart) so players can start before the download ends. A poster (the middle frame) and
/// report.json are written next to the video. Outputs are committed first-writer-wins; report.json goes last, so
/// its presence means the job's outputs are complete and a re-run returns them without work.
/// </summary>
public sealed class FfmpegStitcher(IBlobStore blobs, string? scratchRoot = null, ILatentDecoder? decoder = null) : IClipStitcher
{
    /// <summary>
    /// Encode the video losslessly (H.264 RGB, qp 0) instead of the delivery format (crf 18, yuv420p): exact frames
    /// for tests and archival masters; many players cannot play it.
    /// </summary>
    public bool Lossless { get; init; }

    private const string ContinuityNote =
        "the ratio measures continuity only — seam quality cannot be judged with random/demo weights";

    public async Task<StitchResult> StitchAsync(StitchRequest request, CancellationToken cancellationToken)
    {
        var reportBlob = BlobPath.Parse(request.ReportBlob);
        if (await blobs.ReadJsonAsync<StitchReport>(reportBlob, cancellationToken).ConfigureAwait(false) is { } done)
        {
            return ResultOf(request, done);
        }

        var clock = Stopwatch.StartNew();
        var scratch = Path.Combine(scratchRoot ?? Path.GetTempPath(), $"stitch-{request.Prepared.JobId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var clips = new List<string>();
            foreach (var segment in request.Segments)
            {
                var file = Path.Combine(scratch, $"{segment.Segment.Index:D4}.mp4");
                await blobs.DownloadToFileAsync(BlobPath.Parse(segment.ClipBlob), file, cancellationToken).ConfigureAwait(false);
                clips.Add(file);
            }

            var latents = new Dictionary<int, string>();
            foreach (var segment in request.Segments)
            {
                if (decoder is not null && segment.LatentsBlob is { } blob
                    && await blobs.ExistsAsync(BlobPath.Parse(blob), cancellationToken).ConfigureAwait(false))
                {
                    var file = Path.Combine(scratch, $"{segment.Segment.Index:D4}{OverlapLatents.FileExtension}");
                    await blobs.DownloadToFileAsync(BlobPath.Parse(blob), file, cancellationToken).ConfigureAwait(false);
                    latents[segment.Segment.Index] = file;
                }
            }

            var audio = Path.Combine(scratch, "audio" + Path.GetExtension(request.Prepared.AudioBlob));
            await blobs.DownloadToFileAsync(BlobPath.Parse(request.Prepared.AudioBlob), audio, cancellationToken).ConfigureAwait(false);
            var (width, height, _) = await Ffmpeg.ProbeAsync(clips[0], cancellationToken).ConfigureAwait(false);
            var plan = PlanOf(request);
            var video = Path.Combine(scratch, "video.mp4");
            var blender = new LatentSeamBlender(decoder, plan, latents, width * height * 3);
            var meter = await EncodeAsync(plan, clips, blender, audio, width, height, request.Prepared.Fps, video, Lossless, cancellationToken)
                .ConfigureAwait(false);

            var poster = Path.Combine(scratch, "poster.jpg");
            var middle = (plan.FrameCount / 2.0 / request.Prepared.Fps).ToString("0.###", CultureInfo.InvariantCulture);
            await Ffmpeg.RunAsync(MediaTools.Ffmpeg, ["-v", "error", "-ss", middle, "-i", video, "-frames:v", "1", "-q:v", "3", "-y", poster],
                cancellationToken).ConfigureAwait(false);

            await blobs.UploadFileAsync(video, BlobPath.Parse(request.VideoBlob), overwrite: false, cancellationToken).ConfigureAwait(false);
            await blobs.UploadFileAsync(poster, BlobPath.Parse(request.PosterBlob), overwrite: false, cancellationToken).ConfigureAwait(false);
            var report = new StitchReport(plan.FrameCount, request.Prepared.Fps, (double)plan.FrameCount / request.Prepared.Fps,
                request.Prepared.AudioSeconds, width, height, BlendOf(blender.Methods), clock.Elapsed.TotalSeconds,
                new SeamReport(meter.Ratio, meter.MeanAtSeams, meter.MeanInside, new StitchPlan(plan).Seams, meter.PerSeam,
                    $"{NoteOf(blender.Methods)}; {ContinuityNote}") { Methods = blender.Methods },
                request.Segments.Select(s => new SegmentTiming(s.Segment.Index, s.Segment.Start, s.Segment.End, s.Segment.RenderStart,
                    s.Segment.RenderEnd, s.WorkerId, s.Attempts, (s.FinishedAt - s.StartedAt).TotalSeconds, s.StartedAt, s.FinishedAt,
                    s.Reused)).ToList(),
                request.ReportExtras ?? new Dictionary<string, string>());
            await blobs.PutJsonAsync(reportBlob, report, overwrite: false, cancellationToken).ConfigureAwait(false);
            return ResultOf(request, (await blobs.ReadJsonAsync<StitchReport>(reportBlob, cancellationToken).ConfigureAwait(false))!);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static SegmentPlan PlanOf(StitchRequest request)
    {
        var segments = request.Segments.Select(s => s.Segment).OrderBy(s => s.Index).ToList();
        var overlap = segments.Count > 1 ? segments[1].Start - segments[1].RenderStart : 0;
        if (segments[0].Start != 0 || segments[^1].End != request.Prepared.FrameCount
            || segments.Zip(segments.Skip(1)).Any(pair => pair.First.End != pair.Second.Start))
        {
            throw new InvalidOperationException("segments do not tile the job's frames");
        }

        return new SegmentPlan(request.Prepared.FrameCount, segments[0].OwnedFrames, overlap, segments);
    }

    /// <summary>report.json's <c>blend</c>: <c>latent</c>, <c>pixel-crossfade</c>, or <c>mixed</c> (see seams.methods).</summary>
    private static string BlendOf(IReadOnlyList<string> methods) =>
        methods.Distinct().ToList() switch
        {
            [] => LatentSeamBlender.Crossfade,
            [var only] => only,
            _ => "mixed",
        };

    private static string NoteOf(IReadOnlyList<string> methods) => BlendOf(methods) switch
    {
        LatentSeamBlender.Latent => "overlap latents blended linearly and decoded with the VAE",
        LatentSeamBlender.Crossfade => "pixel crossfade over the overlap",
        _ => "latent blend where both neighbours uploaded latents, pixel crossfade elsewhere (seams.methods)",
    };

    private static async Task<SeamMeter> EncodeAsync(SegmentPlan plan, IReadOnlyList<string> clips, LatentSeamBlender blender, string audio,
        int width, int height, int fps, string output, bool lossless, CancellationToken cancellationToken)
    {
        string[] codec = lossless
            ? ["-c:v", "libx264rgb", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "rgb24"]
            : ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"];
        var stitch = new StitchPlan(plan);
        var meter = new SeamMeter(stitch.Seams, plan.Overlap);
        var readers = new RawFrameReader?[clips.Count];
        var frameBytes = width * height * 3;
        var buffers = new[] { new byte[frameBytes], new byte[frameBytes] };
        var current = new byte[frameBytes];
        var previous = new byte[frameBytes];
        using var encoder = Ffmpeg.Start(MediaTools.Ffmpeg, ["-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}",
            "-r", fps.ToString(CultureInfo.InvariantCulture), "-i", "-", "-i", audio, "-map", "0:v:0", "-map", "1:a:0",
            .. codec, "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", "-y", output], redirectInput: true, redirectOutput: false);
        var encoderErrors = encoder.StandardError.ReadToEndAsync(cancellationToken);
        var input = encoder.StandardInput.BaseStream;
        try
        {
            var seam = 0;
            IReadOnlyList<byte[]>? blended = null;
            for (var f = 0; f < plan.FrameCount; f++)
            {
                if (seam < stitch.Seams.Count && f == blender.RegionStart(seam))
                {
                    blended = await blender.DecodeAsync(seam, cancellationToken).ConfigureAwait(false);
                }

                var sources = stitch.SourcesOf(f);
                for (var s = 0; s < sources.Count; s++)
                {
                    var k = sources[s].SegmentIndex;
                    readers[k] ??= new RawFrameReader(clips[k], width, height);
                    await readers[k]!.ReadAsync(sources[s].LocalFrame, buffers[s], cancellationToken).ConfigureAwait(false);
                }

                if (blended is not null)
                {
                    Buffer.BlockCopy(blended[f - blender.RegionStart(seam)], 0, current, 0, frameBytes);
                }
                else if (sources.Count == 1)
                {
                    Buffer.BlockCopy(buffers[0], 0, current, 0, frameBytes);
                }
                else
                {
                    var w0 = (float)sources[0].Weight;
                    var w1 = (float)sources[1].Weight;
                    for (var i = 0; i < frameBytes; i++)
                    {
                        current[i] = (byte)Math.Clamp((int)MathF.Round(w0 * buffers[0][i] + w1 * buffers[1][i]), 0, 255);
                    }
                }

                if (f > 0)
                {
                    meter.Add(f, previous, current, frameBytes);
                }

                if (seam < stitch.Seams.Count && f == blender.RegionStart(seam) + blender.RegionLength - 1)
                {
                    blended = null;
                    seam++;
                }

                await input.WriteAsync(current, cancellationToken).ConfigureAwait(false);
                (previous, current) = (current, previous);
                await ReleaseFinishedAsync(readers, plan, f).ConfigureAwait(false);
            }

            input.Close();
            await encoder.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (encoder.ExitCode != 0)
            {
                throw new InvalidOperationException($"ffmpeg encode failed: {Ffmpeg.Tail(await encoderErrors.ConfigureAwait(false))}");
            }

            return meter;
        }
        finally
        {
            foreach (var reader in readers)
            {
                if (reader is not null)
                {
                    await reader.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Stops a segment's decoder once the output has passed its last rendered frame.</summary>
    private static async Task ReleaseFinishedAsync(RawFrameReader?[] readers, SegmentPlan plan, int frame)
    {
        foreach (var segment in plan.Segments)
        {
            if (readers[segment.Index] is { } reader && frame >= segment.RenderEnd - 1)
            {
                readers[segment.Index] = null;
                await reader.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static StitchResult ResultOf(StitchRequest request, StitchReport report) =>
        new(request.VideoBlob, request.PosterBlob, request.ReportBlob, report.FrameCount, report.DurationSeconds, report.Seams.Ratio);
}
