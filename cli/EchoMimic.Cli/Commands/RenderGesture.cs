using EchoMimic.Core;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// The gesture a render submits is always an official N.npy folder (what the job spec and Prepare read); a
/// <c>.emgesture</c> file (docs/gestures.md) is expanded into one in the render's work folder first.
/// </summary>
internal static class RenderGesture
{
    public static RenderRequest AsPoseFolder(RenderRequest request, string work)
    {
        if (Directory.Exists(request.PoseFolder)) return request;
        var sequence = GestureFile.Read(request.PoseFolder);
        if (Math.Abs(sequence.Fps - request.Settings.Fps) > 1e-6)
            Console.Error.WriteLine($"note: {request.PoseFolder} was extracted at {sequence.Fps} fps and is rendered at {request.Settings.Fps} fps (one gesture frame per video frame)");
        var folder = Path.Combine(work, "pose.expanded");
        NpyPoseWriter.WriteFolder(folder, sequence.ToPoseFrames());
        return request with { PoseFolder = folder };
    }
}
