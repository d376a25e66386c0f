using System.Globalization;
using System.Text.Json.Nodes;
using EchoMimic.Cli.Commands;
using EchoMimic.Core;
using EchoMimic.Inference.DwPose;
using GestureSequence = EchoMimic.Inference.DwPose.GestureSequence;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Cli.Local;

/// <summary>
/// The render's preprocessing on the CLI side, before the job is submitted (issue 6 items 3 and 4): the portrait
/// framing check (warn, or fit with <c>--auto-fit</c>) and gesture retargeting. It runs here, not in the orchestrator
/// or the worker, so the job spec simply carries the fitted portrait and the retargeted N.npy frames as its inputs: the
/// job (and its content hash, cache, cloud path) is the same whether the user fitted by hand or let the CLI do it.
/// Without the DWPose models it prints ONE notice and changes nothing; only <c>--auto-fit</c> and an explicit
/// <c>--retarget</c> need them (exit 2 naming the files). Writes only inside <c>work</c>.
/// </summary>
public static class PreflightCheck
{
    /// <summary>Side of each half of the retarget before/after image.</summary>
    public const int PreviewSize = 384;

    public static PreflightResult Run(RenderRequest request, PreflightOptions options, string work)
    {
        var models = DwPoseModelFiles.InFolder(options.Models);
        var report = new JsonObject
        {
            ["runs_on"] = "cli, before the job is submitted (the job gets the fitted portrait / retargeted gesture as its inputs)",
            ["dwpose_models"] = Path.GetDirectoryName(models.Detector),
            ["models_present"] = models.Present,
            ["auto_fit"] = options.AutoFit,
            ["retarget_setting"] = options.RetargetSetting,
        };
        var portraitReport = new JsonObject { ["image"] = Path.GetFullPath(request.Image), ["checked"] = false, ["fitted"] = false };
        var gestureReport = new JsonObject
        {
            ["path"] = Path.GetFullPath(request.PoseFolder),
            ["source"] = options.UserGesture ? "user" : "bundled",
            ["retargeted"] = false,
        };
        report["portrait"] = portraitReport;
        report["gesture"] = gestureReport;

        if (!models.Present)
        {
            // Only what the user explicitly asked for needs the models; the default checks are skipped with one notice.
            if (options.AutoFit || options.Retarget == true) models.Require();
            var skipped = options.RetargetWanted ? "portrait framing check and gesture retargeting skipped" : "portrait framing check skipped";
            var notice = $"notice: DWPose models not found in {Path.GetDirectoryName(models.Detector)} ({DwPoseModelFiles.DetectorFile}, " +
                $"{DwPoseModelFiles.PoseFile}; --models DIR); {skipped}";
            if (options.RetargetWanted) gestureReport["reason"] = "DWPose models not found";
            portraitReport["reason"] = "DWPose models not found";
            report["messages"] = new JsonArray(notice);
            return new PreflightResult(request, [notice], report);
        }

        var messages = new List<string>();
        var portrait = ImageFile.Load(request.Image);
        Func<DwPoseModelFiles, IPreflightPoser> open = options.OpenPoser ?? (files => PreflightDwPose.Open(files));
        using var poser = open(models);
        messages.Add($"preflight: {poser.Description}");
        int size = Math.Max(request.Settings.Width, request.Settings.Height);
        var outcome = RenderPortraitCheck.Run(portrait, request.Image, poser.Analyse, options.AutoFit, size);
        messages.AddRange(outcome.Messages);
        Describe(portraitReport, outcome);

        string? fittedImage = null;
        if (outcome.Fitted)
        {
            fittedImage = Path.Combine(work, "portrait.fitted.png");
            ImageFile.Save(outcome.Portrait, fittedImage);
            request = request with { Image = fittedImage };
        }

        GestureSequence? retargeted = null;
        string? beforeAfter = null;
        if (options.RetargetWanted)
        {
            var original = request.PoseFolder;
            retargeted = Retarget(request, options, outcome, gestureReport, messages);
            if (retargeted is not null)
            {
                var folder = Path.Combine(work, "pose.retargeted");
                NpyPoseWriter.WriteFolder(folder, retargeted.ToPoseFrames());
                request = request with { PoseFolder = folder };
                // The first frame over the rendered portrait, before (left) and after (right), as `pose retarget --preview`.
                beforeAfter = Path.Combine(work, "retarget.png");
                ImageFile.Save(BeforeAfter.Draw(GestureSources.Load(original, request.Settings.Fps), retargeted, outcome.Portrait, PreviewSize), beforeAfter);
            }
        }
        report["messages"] = new JsonArray(messages.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray());
        return new PreflightResult(request, messages, report) { FittedImage = fittedImage, Retargeted = retargeted, BeforeAfter = beforeAfter };
    }

    /// <summary>
    /// One similarity for the whole gesture onto the body of the portrait that will be rendered (the fitted one after
    /// <c>--auto-fit</c>). When it cannot be solved, an explicit <c>--retarget</c> is an input error; the default warns.
    /// </summary>
    private static GestureSequence? Retarget(RenderRequest request, PreflightOptions options, PortraitCheckOutcome outcome, JsonObject report,
        List<string> messages)
    {
        bool explicitly = options.Retarget == true;
        if (outcome.RenderedPose is not { } target)
        {
            if (explicitly) throw new InputException(request.Image, "no person found in the portrait, so --retarget cannot fit the gesture to it");
            messages.Add("warning: no person found in the portrait; the gesture is not retargeted");
            report["reason"] = "no person in the portrait";
            return null;
        }
        var sequence = GestureSources.Load(request.PoseFolder, request.Settings.Fps);
        Inference.DwPose.Retarget fit;
        try
        {
            fit = GestureRetargeter.Solve(sequence, target);
        }
        catch (InvalidOperationException e)
        {
            if (explicitly) throw new InputException(request.PoseFolder, e.Message);
            messages.Add($"warning: {e.Message}; the gesture is not retargeted");
            report["reason"] = e.Message;
            return null;
        }
        messages.Add(string.Create(CultureInfo.InvariantCulture,
            $"retarget: gesture scaled by {fit.Scale:F3} ({fit.Basis}), its neck moved from ({fit.FromX:F3}, {fit.FromY:F3}) to the portrait's ({fit.ToX:F3}, {fit.ToY:F3})"));
        report["retargeted"] = true;
        report["scale"] = Math.Round(fit.Scale, 6);
        report["basis"] = fit.Basis;
        report["neck_from"] = new JsonArray(Math.Round(fit.FromX, 6), Math.Round(fit.FromY, 6));
        report["neck_to"] = new JsonArray(Math.Round(fit.ToX, 6), Math.Round(fit.ToY, 6));
        report["frames"] = sequence.Frames.Count;
        return GestureRetargeter.Apply(sequence, fit);
    }

    private static void Describe(JsonObject report, PortraitCheckOutcome outcome)
    {
        report["checked"] = outcome.Checked;
        report["fitted"] = outcome.Fitted;
        if (outcome.Analysis is not { } analysis)
        {
            report["person_found"] = false;
            return;
        }
        report["person_found"] = true;
        report["aligned"] = analysis.Report.Aligned;
        report["square"] = analysis.Report.Square;
        report["notes"] = new JsonArray(analysis.Notes.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
        report["measures"] = new JsonArray(analysis.Report.Lines.Select(l => (JsonNode?)new JsonObject
        {
            ["name"] = l.Name,
            ["expected"] = l.Expected,
            ["tolerance"] = l.Tolerance,
            ["observed"] = l.Observed is { } o ? Math.Round(o, 6) : null,
            ["ok"] = l.Ok,
        }).ToArray());
        if (outcome.Fit is { } fit)
        {
            report["fit"] = new JsonObject
            {
                ["scale"] = Math.Round(fit.Scale, 6),
                ["shift_x"] = Math.Round(fit.ShiftX, 3),
                ["shift_y"] = Math.Round(fit.ShiftY, 3),
                ["size"] = fit.Size,
                ["basis"] = fit.Basis,
            };
        }
    }
}
