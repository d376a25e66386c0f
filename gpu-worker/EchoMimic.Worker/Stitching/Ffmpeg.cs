using System.Diagnostics;
using EchoMimic.Core.Media;
using System.Globalization;

namespace EchoMimic.Worker.Stitching;

/// <summary>Runs the Debian ffmpeg/ffprobe binaries with argument lists (no shell), failing with their stderr.</summary>
internal static class Ffmpeg
{
    public static Process Start(string tool, IEnumerable<string> arguments, bool redirectInput, bool redirectOutput)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = redirectOutput,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
    }

    public static async Task<string> RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Start(tool, arguments, redirectInput: false, redirectOutput: true);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {Tail(await error.ConfigureAwait(false))}");
        }

        return await output.ConfigureAwait(false);
    }

    /// <summary>Width, height and frame count of a clip's first video stream (frames counted by decoding).</summary>
    public static async Task<(int Width, int Height, int Frames)> ProbeAsync(string file, CancellationToken cancellationToken)
    {
        var text = await RunAsync(MediaTools.Ffprobe, ["-v", "error", "-select_streams", "v:0", "-count_frames",
            "-show_entries", "stream=width,height,nb_read_frames", "-of", "csv=p=0", file], cancellationToken).ConfigureAwait(false);
        var parts = text.Trim().Split(',');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    public static string Tail(string text) => text.Length <= 2000 ? text.Trim() : text[^2000..].Trim();
}
