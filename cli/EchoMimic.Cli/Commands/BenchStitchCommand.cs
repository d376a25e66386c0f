using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.Worker.Stitching;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Orchestration.RenderJobs;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic bench stitch</c>: our stitcher (<see cref="FfmpegStitcher"/>: decode every clip to RGB, crossfade the
/// overlaps, encode once with the audio, poster, seam metric) against a plain <c>ffmpeg -f concat</c> of the same
/// segment clips re-encoded with the same codec settings and audio. Clips are ffmpeg test patterns of the segment
/// plan of a 20 s video. Prints output frames per second of each and the ratio.
/// </summary>
public sealed class BenchStitchCommand : IBenchmarkCommand
{
    public Command Build()
    {
        var seconds = new Option<int>("--seconds") { Description = "video length", DefaultValueFactory = _ => 20 };
        var size = new Option<int>("--size") { Description = "width and height", DefaultValueFactory = _ => 256 };
        var command = new Command("stitch", "stitcher throughput (frames/s) vs a plain ffmpeg concat of the same clips") { seconds, size };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(seconds), parse.GetValue(size), ct));
        return command;
    }

    public static async Task<int> RunAsync(int seconds, int size, CancellationToken ct)
    {
        Console.WriteLine(MachineDescription.Line());
        var root = Directory.CreateTempSubdirectory("bench-stitch-").FullName;
        try
        {
            const int fps = 24;
            var frames = seconds * fps;
            var blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));
            var plan = new SegmentPlanner().Plan(frames);
            var audio = new BlobPath(BlobContainers.Uploads, "bench/speech.wav");
            var audioFile = Path.Combine(root, "speech.wav");
            await FfmpegAsync(ct, "-f", "lavfi", "-i", $"sine=frequency=220:sample_rate=16000:duration={seconds}", "-ac", "1", audioFile);
            await blobs.UploadFileAsync(audioFile, audio, true, ct);
            var clips = new List<string>();
            var segments = new List<StitchSegment>();
            foreach (var segment in plan.Segments)
            {
                var clip = Path.Combine(root, $"clip{segment.Index}.mp4");
                // Frames of the clip = the segment's render range; a moving test pattern starting at its first global frame.
                await FfmpegAsync(ct, "-f", "lavfi", "-i", $"testsrc2=size={size}x{size}:rate={fps}", "-vf", $"trim=start_frame={segment.RenderStart},setpts=PTS-STARTPTS",
                    "-frames:v", (segment.RenderEnd - segment.RenderStart).ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", clip);
                clips.Add(clip);
                var blob = JobBlobs.Clip("bench", segment.Index);
                await blobs.UploadFileAsync(clip, blob, true, ct);
                segments.Add(new StitchSegment(segment, blob.ToString(), null, "bench", 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, false));
            }

            var prepared = new PreparedJob("bench", frames, fps, seconds, "bench", "uploads/bench/ref.png", audio.ToString(), "work/none", "work/none/");
            var request = new StitchRequest(prepared, segments, JobBlobs.Video("bench", "video.mp4").ToString(), JobBlobs.Poster("bench").ToString(),
                JobBlobs.Report("bench").ToString());
            var clock = Stopwatch.StartNew();
            var stitched = await new FfmpegStitcher(blobs, root).StitchAsync(request, ct);
            var ours = clock.Elapsed.TotalSeconds;

            var list = Path.Combine(root, "clips.txt");
            await File.WriteAllLinesAsync(list, clips.Select(c => $"file '{c}'"), ct);
            var concatFrames = plan.Segments.Sum(s => s.RenderEnd - s.RenderStart);
            clock.Restart();
            await FfmpegAsync(ct, "-f", "concat", "-safe", "0", "-i", list, "-i", audioFile, "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-crf", "18",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", Path.Combine(root, "concat.mp4"));
            var plain = clock.Elapsed.TotalSeconds;

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{plan.Segments.Count} clips of {size}x{size}, {frames} output frames ({seconds} s at {fps} fps), overlap {plan.Overlap} frames per seam"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stitcher (decode, crossfade, encode, mux, poster, seam metric): {ours:F2} s, {stitched.FrameCount / ours:F0} frames/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ffmpeg -f concat + same encode (no blending, overlaps kept: {concatFrames} frames): {plain:F2} s, {concatFrames / plain:F0} frames/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio stitcher/concat throughput: {stitched.FrameCount / ours / (concatFrames / plain):F2} ({Environment.ProcessorCount} cores)"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task FfmpegAsync(CancellationToken ct, params string[] arguments)
    {
        var info = new ProcessStartInfo(Core.Media.MediaTools.Ffmpeg) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-v", "error", "-y" }.Concat(arguments)) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed: {await error}");
    }
}
