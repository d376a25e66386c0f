using EchoMimic.Inference.DwPose;

namespace EchoMimic.Cli.Local;

/// <summary>
/// The render preflight's flags: <c>--models DIR</c>, <c>--auto-fit</c>, <c>--retarget</c> / <c>--no-retarget</c>
/// (null = the default: on for a gesture the user passed, off for a bundled one), and whether the gesture is the user's.
/// </summary>
public sealed record PreflightOptions(string Models, bool AutoFit, bool? Retarget, bool UserGesture)
{
    /// <summary>Opens the poser once the model files are present (default: <see cref="PreflightDwPose.Open"/>; tests give synthetic keypoints).</summary>
    public Func<DwPoseModelFiles, IPreflightPoser>? OpenPoser { get; init; }

    public bool RetargetWanted => Retarget ?? UserGesture;

    public string RetargetSetting => Retarget switch
    {
        true => "on (--retarget)",
        false => "off (--no-retarget)",
        null => UserGesture ? "on (default for a gesture you pass)" : "off (default for a bundled gesture)",
    };
}
