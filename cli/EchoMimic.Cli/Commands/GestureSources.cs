using System.Text.Json.Nodes;
using EchoMimic.Core;
using EchoMimic.Inference.Audio;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Gestures.Composition;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Cli.Commands;

/// <summary>A gesture given on the command line: an official N.npy folder, one of our .emgesture files, or composed from the speech.</summary>
internal static class GestureSources
{
    public static GestureSequence Load(string path, double fps)
    {
        if (Directory.Exists(path)) return GestureSequence.FromPoseFrames(NpyPoseReader.ReadFolder(path), fps);
        if (File.Exists(path)) return GestureFile.Read(path);
        throw new InputException(path, "gesture not found (expected a folder of N.npy frames or a .emgesture file)");
    }

    /// <summary>A gesture composed from <paramref name="audio"/> (enough frames to cover it) and its report section.</summary>
    public static (GestureComposition Composition, JsonObject Report) Compose(string audio, double fps, long seed, string? unitsFolder)
    {
        var library = GestureUnitLibrary.Load(unitsFolder, fps);
        var samples = AudioFileDecoder.Decode(audio);
        var frames = Math.Max(1, (int)Math.Ceiling(samples.Length / (double)AudioFileDecoder.SampleRate * fps));
        var composition = GestureComposer.Compose(samples, fps, frames, GestureComposer.SeedOf(seed), library);
        return (composition, CompositionReport.ToJson(composition, unitsFolder is null ? null : Path.GetFullPath(unitsFolder)));
    }

    /// <summary>Frames of a gesture to draw: the official dicts straight from a folder (as written), else converted.</summary>
    public static IReadOnlyList<PoseFrame> Frames(string path, GestureSequence sequence) =>
        Directory.Exists(path) ? NpyPoseReader.ReadFolder(path) : sequence.ToPoseFrames();
}
