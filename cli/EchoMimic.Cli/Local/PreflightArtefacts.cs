using System.Text.Json.Nodes;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Pipeline;

namespace EchoMimic.Cli.Local;

/// <summary>
/// After a successful render: the fitted portrait (<c>STEM.fitted.png</c>), the retargeted gesture
/// (<c>STEM.retargeted.emgesture</c>) and its before/after image (<c>STEM.retarget.png</c>) are kept beside the video, so what was rendered can be seen and reused, and
/// report.json gets the <c>preflight</c> section (image/pose paths then name those kept files; their sha256 are the
/// rendered inputs'). Nothing is kept when the render fails: the work folder is deleted by the caller.
/// </summary>
public static class PreflightArtefacts
{
    /// <param name="givenPose">The gesture as the user gave it (a <c>.emgesture</c> file is rendered from a temporary N.npy expansion).</param>
    /// <param name="composition">The composer's report section when the gesture was composed from the speech.</param>
    public static void Keep(PreflightResult preflight, OrchestratedRenderResult result, string givenPose, JsonObject? composition = null)
    {
        var report = result.Report;
        var givenPath = composition is null ? Path.GetFullPath(givenPose) : givenPose;
        preflight.Report["gesture"]!["path"] = givenPath;
        if (report["pose"] is JsonObject given) given["path"] = givenPath;
        if (composition is not null) report["composition"] = composition;
        var directory = Path.GetDirectoryName(result.Video)!;
        var stem = Path.GetFileNameWithoutExtension(result.Video);
        if (preflight.FittedImage is { } fitted)
        {
            var keep = Path.Combine(directory, stem + ".fitted.png");
            ClipRenderer.WriteAtomically(keep, temporary => File.Copy(fitted, temporary, overwrite: true));
            if (report["image"] is JsonObject image) image["path"] = keep;
            preflight.Report["portrait"]!["fitted_image"] = keep;
        }
        if (preflight.Retargeted is { } gesture)
        {
            var keep = Path.Combine(directory, stem + ".retargeted" + GestureFile.Extension);
            ClipRenderer.WriteAtomically(keep, temporary => GestureFile.Write(temporary, gesture));
            if (report["pose"] is JsonObject pose) pose["path"] = keep;
            preflight.Report["gesture"]!["retargeted_gesture"] = keep;
        }
        if (preflight.BeforeAfter is { } beforeAfter)
        {
            var keep = Path.Combine(directory, stem + ".retarget.png");
            ClipRenderer.WriteAtomically(keep, temporary => File.Copy(beforeAfter, temporary, overwrite: true));
            preflight.Report["gesture"]!["before_after"] = keep;
        }
        report["preflight"] = preflight.Report;
        ClipRenderer.WriteAtomically(result.ReportFile, path => File.WriteAllText(path, report.ToJsonString(ReportJson.Indented)));
    }
}
