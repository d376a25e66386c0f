using System.Diagnostics;
using EchoMimic.Core.Media;

namespace EchoMimic.Worker.Stitching;

/// <summary>Decodes a clip to packed RGB24 frames, read strictly in order.</summary>
internal sealed class RawFrameReader : IAsyncDisposable
{
    private readonly Process process;
    private readonly Stream stdout;
    private readonly Task<string> stderr;
    private int next;

    public RawFrameReader(string file, int width, int height)
    {
        FrameBytes = width * height * 3;
        process = Ffmpeg.Start(MediaTools.Ffmpeg, ["-v", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24",
            "-s", $"{width}x{height}", "-"], redirectInput: false, redirectOutput: true);
        stdout = process.StandardOutput.BaseStream;
        stderr = process.StandardError.ReadToEndAsync();
    }

    public int FrameBytes { get; }

    /// <summary>Reads local frame <paramref name="index"/> into <paramref name="frame"/>; frames must be asked in order.</summary>
    public async Task ReadAsync(int index, byte[] frame, CancellationToken cancellationToken)
    {
        while (next <= index)
        {
            var read = 0;
            while (read < FrameBytes)
            {
                var n = await stdout.ReadAsync(frame.AsMemory(read, FrameBytes - read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new InvalidDataException($"clip ended at frame {next}, frame {index} was needed: {Ffmpeg.Tail(await stderr.ConfigureAwait(false))}");
                }

                read += n;
            }

            next++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
        process.Dispose();
    }
}
