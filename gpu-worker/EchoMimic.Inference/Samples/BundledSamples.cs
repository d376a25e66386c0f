using EchoMimic.Core;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.Samples;

/// <summary>
/// The project's demo inputs (<c>samples/</c>): <c>portrait.png</c>, <c>speech.m4a</c> and <c>gestures/&lt;name&gt;/N.npy</c>.
/// Found next to the binary (copied there by the CLI build), else in the repository.
/// </summary>
public sealed class BundledSamples(string folder)
{
    public const string PortraitFile = "portrait.png";
    public const string SpeechFile = "speech.m4a";
    public const string GesturesFolder = "gestures";
    public const string DefaultGesture = "hand_raise";

    public string Folder { get; } = folder;
    public string Portrait => Path.Combine(Folder, PortraitFile);
    public string Speech => Path.Combine(Folder, SpeechFile);

    public IReadOnlyList<string> GestureNames =>
        Directory.Exists(Path.Combine(Folder, GesturesFolder))
            ? Directory.EnumerateDirectories(Path.Combine(Folder, GesturesFolder)).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>A built-in gesture folder by name, or an <see cref="InputException"/> listing the names that exist.</summary>
    public string Gesture(string name)
    {
        var dir = Path.Combine(Folder, GesturesFolder, name);
        if (name.IndexOfAny(['/', '\\']) < 0 && Directory.Exists(dir)) return dir;
        throw new InputException("--pose", $"unknown gesture '{name}' (built-in: {string.Join(", ", GestureNames)}; or give a folder of N.npy files)");
    }

    /// <summary>The samples next to the binary, else <c>samples/</c> of the repository; null when neither exists.</summary>
    public static BundledSamples? Find()
    {
        foreach (var candidate in new[] { Path.Combine(AppContext.BaseDirectory, "samples"), RepositoryRoot.Find() is { } root ? Path.Combine(root, "samples") : null })
            if (candidate is not null && File.Exists(Path.Combine(candidate, PortraitFile))) return new BundledSamples(candidate);
        return null;
    }

    /// <summary>Regenerates every sample into <paramref name="folder"/> (the portrait, the speech, the gestures).</summary>
    public static void Make(string folder, bool speech = true)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, PortraitFile), PortraitPainter.PaintPng());
        foreach (var name in GestureLibrary.Names)
        {
            var dir = Path.Combine(folder, GesturesFolder, name);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            NpyPoseWriter.WriteFolder(dir, GestureLibrary.Make(name));
        }
        if (speech) SpeechSynthesizer.Synthesize(SpeechSynthesizer.SampleText, Path.Combine(folder, SpeechFile));
    }
}
