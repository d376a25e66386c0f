using System.Text.Json.Nodes;
using EchoMimic.Inference.DwPose;
using GestureSequence = EchoMimic.Inference.DwPose.GestureSequence;
using EchoMimic.Inference.Pipeline;

namespace EchoMimic.Cli.Local;

/// <summary>
/// What the render preflight decided: the request to submit (its image / pose folder replaced by the fitted portrait
/// and the retargeted gesture when those ran), the lines printed, and the <c>preflight</c> section of report.json.
/// </summary>
public sealed record PreflightResult(RenderRequest Request, IReadOnlyList<string> Messages, JsonObject Report)
{
    /// <summary>The fitted portrait written in the work folder (null when not fitted).</summary>
    public string? FittedImage { get; init; }

    /// <summary>The retargeted gesture (null when not retargeted).</summary>
    public GestureSequence? Retargeted { get; init; }

    /// <summary>The retarget's before/after image (first frame over the rendered portrait) in the work folder.</summary>
    public string? BeforeAfter { get; init; }
}
