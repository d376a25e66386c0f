using System.Diagnostics;

namespace EchoMimic.Inference.Tests;

/// <summary>Audio/video test inputs made on the fly with the ffmpeg binary (lavfi sources), in a temporary folder.</summary>
public sealed class AudioTestFiles : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("echomimic-audio-tests-").FullName;

    /// <summary>Runs <c>ffmpeg -y ARGS... OUT</c> and returns OUT (inside <see cref="Folder"/>).</summary>
    public string Make(string fileName, params string[] args)
    {
        var output = Path.Combine(Folder, fileName);
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-nostdin", "-hide_banner", "-loglevel", "error", "-y" }.Concat(args).Append(output)) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not make {fileName}: {errors}");
        return output;
    }

    /// <summary>A 16-bit PCM mono WAV of the given samples (each must be a multiple of 1/32768 to round-trip exactly).</summary>
    public string Wav(string fileName, float[] samples, int sampleRate = 16000)
    {
        var path = Path.Combine(Folder, fileName);
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("RIFF"u8); writer.Write(36 + samples.Length * 2); writer.Write("WAVE"u8);
        writer.Write("fmt "u8); writer.Write(16); writer.Write((short)1); writer.Write((short)1);
        writer.Write(sampleRate); writer.Write(sampleRate * 2); writer.Write((short)2); writer.Write((short)16);
        writer.Write("data"u8); writer.Write(samples.Length * 2);
        foreach (var s in samples) writer.Write((short)Math.Round(s * 32768.0));
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
