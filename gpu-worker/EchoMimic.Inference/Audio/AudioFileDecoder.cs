using System.ComponentModel;
using System.Diagnostics;
using EchoMimic.Core;
using EchoMimic.Core.Media;

namespace EchoMimic.Inference.Audio;

/// <summary>
/// Decodes anything ffmpeg reads (wav, mp3, m4a, ogg, flac, the audio track of a video) to 16 kHz mono float32,
/// exactly as whisper's <c>load_audio</c> does: <c>ffmpeg -nostdin -threads 0 -i FILE -f s16le -ac 1 -acodec pcm_s16le
/// -ar 16000 -</c>, then int16 / 32768. Inputs the user got wrong (missing, not audio, no audio stream, empty,
/// silent) raise <see cref="InputException"/> naming the file.
/// </summary>
public static class AudioFileDecoder
{
    public const int SampleRate = 16000;

    /// <summary>
    /// A clip whose loudest sample stays below -60 dBFS is treated as silent: no speech can drive the animation, and
    /// the official pipeline would render a still mouth without saying why.
    /// </summary>
    public const float SilencePeak = 0.001f;

    /// <summary>Decodes <paramref name="path"/> to 16 kHz mono samples in [-1, 1).</summary>
    /// <exception cref="InputException">The file is missing, unreadable, not audio, has no audio stream, or is empty or silent.</exception>
    public static float[] Decode(string path, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new InputException("audio", "no audio file given");
        if (Directory.Exists(path)) throw new InputException(path, "is a folder, not an audio file");
        if (!File.Exists(path)) throw new InputException(path, "audio file does not exist");
        if (new FileInfo(path).Length == 0) throw new InputException(path, "audio file is empty (zero bytes)");

        // An absolute path keeps ffmpeg from reading a name like "pipe:1" or "http:x" as a protocol.
        var (pcm, exitCode, errors) = RunFfmpeg(Path.GetFullPath(path), cancellationToken);
        if (exitCode != 0)
        {
            var reason = errors.Contains("does not contain any stream", StringComparison.Ordinal) || errors.Contains("matches no streams", StringComparison.Ordinal)
                ? "has no audio stream"
                : $"is not a readable audio file (ffmpeg: {LastLine(errors)})";
            throw new InputException(path, reason);
        }
        var samples = ToFloat(pcm);
        if (samples.Length == 0) throw new InputException(path, "contains no audio samples (zero length)");
        float peak = 0;
        foreach (var s in samples) peak = Math.Max(peak, Math.Abs(s));
        if (peak < SilencePeak) throw new InputException(path, $"audio is silent (peak {20 * Math.Log10(Math.Max(peak, 1e-10)):F0} dBFS)");
        return samples;
    }

    /// <summary>whisper's conversion: little-endian int16 PCM / 32768 as float32.</summary>
    public static float[] ToFloat(ReadOnlySpan<byte> pcm)
    {
        var samples = new float[pcm.Length / 2];
        for (int i = 0; i < samples.Length; i++) samples[i] = (short)(pcm[2 * i] | pcm[2 * i + 1] << 8) / 32768.0f;
        return samples;
    }

    private static (byte[] Pcm, int ExitCode, string Errors) RunFfmpeg(string path, CancellationToken cancellationToken)
    {
        var ffmpeg = MediaTools.Ffmpeg;
        var start = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // whisper/audio.py load_audio's command line; -vn/-sn/-dn only make explicit that a video's picture,
        // subtitles and data streams are not wanted (the raw s16le muxer could not take them anyway).
        foreach (var arg in new[] { "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "0", "-i", path, "-vn", "-sn", "-dn",
                     "-f", "s16le", "-ac", "1", "-acodec", "pcm_s16le", "-ar", SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-" })
            start.ArgumentList.Add(arg);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start");
        }
        catch (Win32Exception e)
        {
            throw new PrerequisiteException("ffmpeg", $"'{ffmpeg}' could not be started ({e.Message})", $"install it (apt-get install ffmpeg) or set {MediaTools.FfmpegVariable} to its path");
        }
        using (process)
        using (cancellationToken.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
        {
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            using var pcm = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(pcm);
            process.WaitForExit();
            cancellationToken.ThrowIfCancellationRequested();
            return (pcm.ToArray(), process.ExitCode, errors.GetAwaiter().GetResult());
        }
    }

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no message" : lines[^1];
    }
}
