using EchoMimic.Core;

namespace EchoMimic.Inference.DwPose;

/// <summary>What the render-time portrait check did: the portrait to render (fitted or not) and what to tell the user.</summary>
public sealed record PortraitCheckOutcome(RgbImage Portrait, IReadOnlyList<string> Messages, bool Fitted)
{
    /// <summary>DWPose ran on the portrait (false: models missing).</summary>
    public bool Checked { get; init; }

    /// <summary>The person chosen and its framing; null when the check was skipped or found nobody.</summary>
    public PortraitAnalysis? Analysis { get; init; }

    /// <summary>The fit applied with <c>--auto-fit</c>.</summary>
    public FramingFit? Fit { get; init; }

    /// <summary>The chosen person on the portrait that will be rendered (after the fit, if any), normalised.</summary>
    public NormalizedPose? RenderedPose =>
        Analysis is null ? null : Fit is null ? Analysis.Pose : Fit.Apply(NormalizedPose.FromPerson(Analysis.Person, 1, 1));
}

/// <summary>
/// The portrait check a render runs before spending GPU time (issue: "renders run the check and warn, or fit with
/// --auto-fit, when DWPose models are present; without them, render prints one notice and skips the check").
/// Only <c>--auto-fit</c> makes missing models or an unframeable portrait an error.
/// </summary>
public static class RenderPortraitCheck
{
    public static PortraitCheckOutcome Run(RgbImage portrait, string input, DwPoseModelFiles models, bool autoFit, int size)
    {
        if (!models.Present)
        {
            if (autoFit) models.Require();
            return new(portrait, [$"notice: DWPose models not found ({models.Detector}); portrait framing check skipped"], false);
        }
        using var estimator = DwPoseEstimator.Open(models);
        return Run(portrait, input, (image, name) => PortraitFraming.Analyse(estimator, image, name), autoFit, size);
    }

    /// <summary>
    /// The check with the pose estimation given (<paramref name="analyse"/>: DWPose on the image, or synthetic keypoints
    /// in tests). Framing off: warnings with the numbers; with <paramref name="autoFit"/> the portrait is fitted onto a
    /// <paramref name="size"/> square instead.
    /// </summary>
    public static PortraitCheckOutcome Run(RgbImage portrait, string input, Func<RgbImage, string, PortraitAnalysis> analyse, bool autoFit, int size)
    {
        PortraitAnalysis analysis;
        try
        {
            analysis = analyse(portrait, input);
        }
        catch (InputException e) when (!autoFit)
        {
            return new(portrait, [$"warning: {e.Problem}; the portrait may not animate well"], false) { Checked = true };
        }
        var messages = analysis.Notes.Select(n => "note: " + n).ToList();
        if (analysis.Report.Aligned)
        {
            messages.Add("portrait framing matches the official portraits");
            return new(portrait, messages, false) { Checked = true, Analysis = analysis };
        }
        var off = analysis.Report.Lines.Where(l => !l.Ok).ToList();
        if (off.Count > 0)
        {
            messages.Add($"warning: the portrait's framing is off in {off.Count} of {analysis.Report.Lines.Count} measures (EchoMimicV2 needs the " +
                "portrait framed like its demo portraits, or heads stretch and hands land in the wrong place):");
            messages.AddRange(off.Select(l => "  " + l.Format()));
        }
        if (!autoFit)
        {
            messages.Add("hint: `echomimic ref fit` or `--auto-fit` reframes the portrait; rendering it as it is");
            return new(portrait, messages, false) { Checked = true, Analysis = analysis };
        }
        var fit = PortraitFraming.Fit(analysis, size, input);
        messages.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"auto-fit: portrait scaled by {fit.Scale:F3} ({fit.Basis}) onto {size}x{size}, neck moved to ({OfficialFraming.NeckX.Expected:F3}, {OfficialFraming.NeckY.Expected:F3}); rendering the fitted portrait"));
        return new(fit.Render(portrait), messages, true) { Checked = true, Analysis = analysis, Fit = fit };
    }
}
