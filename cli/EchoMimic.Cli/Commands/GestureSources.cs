using EchoMimic.Core;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Cli.Commands;

/// <summary>A gesture given on the command line: an official N.npy folder or one of our .emgesture files.</summary>
internal static class GestureSources
{
    public static GestureSequence Load(string path, double fps)
    {
        if (Directory.Exists(path)) return GestureSequence.FromPoseFrames(NpyPoseReader.ReadFolder(path), fps);
        if (File.Exists(path)) return GestureFile.Read(path);
        throw new InputException(path, "gesture not found (expected a folder of N.npy frames or a .emgesture file)");
    }

    /// <summary>Frames of a gesture to draw: the official dicts straight from a folder (as written), else converted.</summary>
    public static IReadOnlyList<PoseFrame> Frames(string path, GestureSequence sequence) =>
        Directory.Exists(path) ? NpyPoseReader.ReadFolder(path) : sequence.ToPoseFrames();
}
