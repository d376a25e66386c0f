using System.Diagnostics;
using System.Globalization;
using EchoMimic.Core.Ports;
using EchoMimic.Inference.Samples;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary>Small real inputs for the local stack's tests: a painted 64x64 portrait, a sine tone, a job.json.</summary>
internal static class TestJobs
{
    /// <summary>
    /// Uploads uploads/{folder}/ref.png, speech.wav ({seconds} s tone) and then job.json (the documented order), for a
    /// <paramref name="size"/>x<paramref name="size"/> (64 by default), <paramref name="steps"/>-step (2) accelerated render with a
    /// webhook; the job id is the folder with / → -.
    /// </summary>
    public static async Task UploadAsync(IBlobStore blobs, string folder, double seconds, Uri webhook, CancellationToken cancellationToken,
        int size = 64, int steps = 2, int seed = 7)
    {
        await blobs.PutBytesAsync(new BlobPath(BlobContainers.Uploads, $"{folder}/ref.png"), PortraitPainter.PaintPng(size), true, cancellationToken);
        await blobs.PutBytesAsync(new BlobPath(BlobContainers.Uploads, $"{folder}/speech.wav"), await ToneWavAsync(seconds, cancellationToken), true, cancellationToken);
        await blobs.PutTextAsync(new BlobPath(BlobContainers.Uploads, $"{folder}/job.json"), $$"""
            {
              "schemaVersion": 1,
              "inputs": { "reference": "uploads/{{folder}}/ref.png", "audio": "uploads/{{folder}}/speech.wav", "pose": { "gesture": "breathing" } },
              "settings": { "mode": "accelerated", "steps": {{steps}}, "width": {{size}}, "height": {{size}}, "fps": 24, "seed": {{seed}} },
              "webhook": { "url": "{{webhook}}" }
            }
            """, true, cancellationToken);
    }

    public static async Task<byte[]> ToneWavAsync(double seconds, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"tone-{Guid.NewGuid():N}.wav");
        try
        {
            await RunAsync("ffmpeg", cancellationToken, "-v", "error", "-f", "lavfi", "-i",
                $"sine=frequency=220:sample_rate=16000:duration={seconds.ToString(CultureInfo.InvariantCulture)}", "-ac", "1", "-y", file);
            return await File.ReadAllBytesAsync(file, cancellationToken);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Frames ffprobe decodes from a whole video: a truncated or broken MP4 fails here.</summary>
    public static async Task<int> CountFramesAsync(byte[] video, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"video-{Guid.NewGuid():N}.mp4");
        try
        {
            await File.WriteAllBytesAsync(file, video, cancellationToken);
            var frames = await RunAsync("ffprobe", cancellationToken, "-v", "error", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file);
            return int.Parse(frames.Trim(), CultureInfo.InvariantCulture);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> RunAsync(string tool, CancellationToken cancellationToken, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }
}
