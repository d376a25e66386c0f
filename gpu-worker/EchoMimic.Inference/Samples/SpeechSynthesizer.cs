using System.Diagnostics;

namespace EchoMimic.Inference.Samples;

/// <summary>
/// Synthesises the project's own sample speech with espeak-ng and stores it as a small AAC (.m4a) file with ffmpeg.
/// The committed file is the output of this; re-running needs espeak-ng and ffmpeg on the PATH.
/// </summary>
public static class SpeechSynthesizer
{
    public const string SampleText =
        "Hello! I am a demo portrait, drawn by code. " +
        "One command makes me speak and move my hands, right on your own laptop.";

    public static void Synthesize(string text, string outputM4a)
    {
        var wav = Path.Combine(Path.GetTempPath(), $"echomimic-speech-{Guid.NewGuid():N}.wav");
        try
        {
            Run(Core.Media.MediaTools.EspeakNg, ["-v", "en-us", "-s", "175", "-w", wav, text]);
            Run(Core.Media.MediaTools.Ffmpeg, ["-hide_banner", "-loglevel", "error", "-y", "-i", wav, "-ac", "1", "-ar", "22050", "-c:a", "aac", "-b:a", "48k", "-movflags", "+faststart", outputM4a]);
        }
        finally
        {
            File.Delete(wav);
        }
    }

    private static void Run(string tool, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {error}");
    }
}
