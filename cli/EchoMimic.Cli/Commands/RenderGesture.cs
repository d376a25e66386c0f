using System.Text.Json.Nodes;
using EchoMimic.Core;
using EchoMimic.Core.Jobs;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// The gesture a render submits is always an official N.npy folder (what the job spec and Prepare read): a
/// <c>.emgesture</c> file (docs/gestures.md) is expanded into one in the render's work folder first, and the pose
/// source <c>compose</c> is composed from the audio there (<see cref="GestureComposer"/>), its report section returned.
/// </summary>
internal static class RenderGesture
{
    public static RenderRequest AsPoseFolder(RenderRequest request, string work, string? gestureUnits, out JsonObject? composition)
    {
        composition = null;
        if (request.PoseFolder == PoseSource.Compose)
        {
            var (composed, report) = GestureSources.Compose(request.Audio, request.Settings.Fps, request.Settings.Seed, gestureUnits);
            var composedFolder = Path.Combine(work, "pose.composed");
            NpyPoseWriter.WriteFolder(composedFolder, composed.Frames);
            composition = report;
            return request with { PoseFolder = composedFolder };
        }

        if (gestureUnits is not null) throw new InputException("--gesture-units", "only used with --pose compose (or no --pose)");
        if (Directory.Exists(request.PoseFolder)) return request;
        var sequence = GestureFile.Read(request.PoseFolder);
        if (Math.Abs(sequence.Fps - request.Settings.Fps) > 1e-6)
            Console.Error.WriteLine($"note: {request.PoseFolder} was extracted at {sequence.Fps} fps and is rendered at {request.Settings.Fps} fps (one gesture frame per video frame)");
        var folder = Path.Combine(work, "pose.expanded");
        NpyPoseWriter.WriteFolder(folder, sequence.ToPoseFrames());
        return request with { PoseFolder = folder };
    }
}
