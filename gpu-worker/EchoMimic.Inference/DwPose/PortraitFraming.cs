using EchoMimic.Core;

namespace EchoMimic.Inference.DwPose;

/// <summary>The person chosen in a portrait, its framing report, and notes for the user (several people, aspect).</summary>
public sealed record PortraitAnalysis(RgbImage Image, PersonPose Person, NormalizedPose Pose, FramingReport Report, IReadOnlyList<string> Notes);

/// <summary>
/// <c>ref check</c> / <c>ref fit</c>: DWPose on the portrait, the largest detected person (by the box of its visible
/// body points; said so when there are several), its framing against <see cref="OfficialFraming"/>.
/// </summary>
public static class PortraitFraming
{
    public static PortraitAnalysis Analyse(DwPoseEstimator estimator, RgbImage image, string input)
    {
        var detection = estimator.Detect(image);
        // DWPose falls back to the whole image when the detector finds nobody; that is "no person" for a portrait.
        if (detection.Boxes.Persons.Count == 0) throw new InputException(input, "no person detected in the portrait");
        return Choose(image, detection.Persons, input);
    }

    public static PortraitAnalysis Choose(RgbImage image, IReadOnlyList<PersonPose> persons, string input)
    {
        var notes = new List<string>();
        var person = persons.MaxBy(p => p.BodyArea()) ?? throw new InputException(input, "no person detected in the portrait");
        if (person.BodyArea() <= 0) throw new InputException(input, "no person detected in the portrait (no body keypoint is confident)");
        if (persons.Count > 1)
            notes.Add($"{persons.Count} people detected; using the largest (body box {Math.Sqrt(person.BodyArea()):F0} px across)");
        bool square = image.Width == image.Height;
        if (!square)
            notes.Add($"the portrait is {image.Width}x{image.Height}; EchoMimicV2 renders square frames and would stretch it (use `ref fit`)");
        var pose = NormalizedPose.FromPerson(person, image.Height, image.Width);
        return new PortraitAnalysis(image, person, pose, FramingReport.Compare(FramingMetrics.Measure(pose), square), notes);
    }

    /// <summary>The fit for the chosen person; an unframeable person (no shoulders) is the user's input problem.</summary>
    public static FramingFit Fit(PortraitAnalysis analysis, int size, string input)
    {
        try
        {
            return FramingFit.Solve(NormalizedPose.FromPerson(analysis.Person, 1, 1), size);
        }
        catch (InvalidOperationException e)
        {
            throw new InputException(input, e.Message);
        }
    }
}
