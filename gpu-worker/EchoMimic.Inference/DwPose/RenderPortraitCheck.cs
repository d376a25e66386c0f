using EchoMimic.Core;

namespace EchoMimic.Inference.DwPose;

/// <summary>What the render-time portrait check did: the portrait to render (fitted or not) and what to tell the user.</summary>
public sealed record PortraitCheckOutcome(RgbImage Portrait, IReadOnlyList<string> Messages, bool Fitted);

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
        PortraitAnalysis analysis;
        try
        {
            analysis = PortraitFraming.Analyse(estimator, portrait, input);
        }
        catch (InputException e) when (!autoFit)
        {
            return new(portrait, [$"warning: {e.Problem}; the portrait may not animate well"], false);
        }
        var messages = analysis.Notes.Select(n => "note: " + n).ToList();
        if (analysis.Report.Aligned)
        {
            messages.Add("portrait framing matches the official portraits");
            return new(portrait, messages, false);
        }
        messages.AddRange(analysis.Report.Lines.Where(l => !l.Ok).Select(l => "warning: " + l.Format()));
        if (!autoFit)
        {
            messages.Add("hint: `echomimic ref fit` or `--auto-fit` reframes the portrait");
            return new(portrait, messages, false);
        }
        var fit = PortraitFraming.Fit(analysis, size, input);
        messages.Add($"auto-fit: portrait scaled by {fit.Scale:F3} ({fit.Basis}) onto {size}x{size}");
        return new(fit.Render(portrait), messages, true);
    }
}
