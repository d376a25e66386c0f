using EchoMimic.Core;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.Tests.DwPose;

public sealed class FramingTests
{
    private static string OfficialPose(string sequence)
    {
        var shared = RepositoryRoot.Shared();
        var folder = shared is null ? null : Path.Combine(shared, "samples", "echomimicv2", "pose", sequence);
        if (folder is null || !Directory.Exists(folder)) RequiredData.Missing("official pose samples are not available (../shared/samples/echomimicv2/pose)");
        return folder;
    }

    [Fact]
    public void Metrics_of_hand_placed_keypoints_are_the_placed_geometry()
    {
        // 1000 x 1000 image: shoulders 400 px apart at y 500, brows at 250, chin at 400 -> head top 250 - 75 = 175.
        var person = SyntheticPerson.Upright(cx: 500, neckY: 500, shoulderWidth: 400, browY: 250, chinY: 400, hipY: 1050);
        var m = FramingMetrics.Measure(NormalizedPose.FromPerson(person, 1000, 1000));
        Assert.Equal(0.4, m.ShoulderWidth!.Value, 12);
        Assert.Equal(0.5, m.NeckX!.Value, 12);
        Assert.Equal(0.5, m.NeckY!.Value, 12);
        Assert.Equal(0.175, m.HeadTopY!.Value, 12);
        Assert.Equal(0.325, m.NoseY!.Value, 12);
        Assert.Equal(1.05, m.HipY!.Value, 12);
        Assert.Equal(2, m.HandsVisible);
    }

    [Fact]
    public void Official_gesture_frames_pass_the_check()
    {
        foreach (var sequence in new[] { "01", "fight", "ultraman" })
        {
            var frame = NpyPoseReader.ReadFile(Path.Combine(OfficialPose(sequence), "0.npy"));
            var report = FramingReport.Compare(FramingMetrics.Measure(NormalizedPose.FromFrame(frame)), square: true);
            var failing = report.Lines.Where(l => !l.Ok && l.Name != "hands visible").Select(l => l.Format()).ToList();
            Assert.True(failing.Count == 0, sequence + ": " + string.Join("; ", failing));
        }
    }

    [Theory]
    [InlineData(3.1, 700, -150)]   // person far too large, cut at the top
    [InlineData(0.45, 50, 600)]    // small person low in a corner
    [InlineData(1.0, 0, 0)]        // already official framing
    public void Fit_brings_an_official_pose_placed_anywhere_to_the_official_framing(double scale, double shiftX, double shiftY)
    {
        // An official gesture frame (normalised to 1 x 1) placed in a larger image: x_px = scale * 1024 * x + shift.
        var frame = NpyPoseReader.ReadFile(Path.Combine(OfficialPose("01"), "0.npy"));
        var official = NormalizedPose.FromFrame(frame);
        var pixels = official.Transformed(scale * 1024, shiftX, shiftY);
        var fit = FramingFit.Solve(pixels, 768);
        var after = FramingMetrics.Measure(fit.Apply(pixels));
        Assert.True(OfficialFraming.NeckX.Accepts(after.NeckX!.Value));
        Assert.True(OfficialFraming.NeckY.Accepts(after.NeckY!.Value));
        Assert.True(OfficialFraming.ShoulderWidth.Accepts(after.ShoulderWidth!.Value), $"shoulder {after.ShoulderWidth}");
        Assert.True(OfficialFraming.HeadTopY.Accepts(after.HeadTopY!.Value), $"head top {after.HeadTopY}");
        Assert.True(OfficialFraming.NoseY.Accepts(after.NoseY!.Value), $"nose {after.NoseY}");
        // The fit is a similarity: the official frame's own proportions survive, whatever the placement.
        var before = FramingMetrics.Measure(official);
        Assert.Equal(before.ShoulderWidth!.Value / (before.NeckY!.Value - before.HeadTopY!.Value),
                     after.ShoulderWidth!.Value / (after.NeckY!.Value - after.HeadTopY!.Value), 9);
    }

    [Fact]
    public void Fit_of_hand_placed_person_hits_the_official_neck_exactly()
    {
        var person = SyntheticPerson.Upright(cx: 300, neckY: 900, shoulderWidth: 500, browY: 400, chinY: 700, hipY: 1800);
        var fit = FramingFit.Solve(NormalizedPose.FromPerson(person, 1, 1), 768);
        // Neck maps to (0.500, 0.461) of 768 by construction of the translation.
        Assert.Equal(0.500 * 768, fit.Scale * 300 + fit.ShiftX, 9);
        Assert.Equal(0.461 * 768, fit.Scale * 900 + fit.ShiftY, 9);
        // Scale = mean of the shoulder estimate 0.415*768/500 and the head estimate (0.461-0.048)*768/(900-(400-150)).
        Assert.Equal((0.415 * 768 / 500 + 0.413 * 768 / 650) / 2, fit.Scale, 9);
    }

    [Fact]
    public void Several_people_choose_the_largest_and_say_so()
    {
        var small = SyntheticPerson.Upright(200, 300, 100, 200, 260, 500);
        var large = SyntheticPerson.Upright(600, 500, 300, 250, 400, 1000);
        var analysis = PortraitFraming.Choose(RgbImage.Filled(1000, 1000, 0), [small, large], "portrait.png");
        Assert.Same(large, analysis.Person);
        Assert.Contains(analysis.Notes, n => n.Contains("2 people detected; using the largest", StringComparison.Ordinal));
    }

    [Fact]
    public void Person_without_confident_points_is_no_person()
    {
        var ghost = SyntheticPerson.Upright(500, 500, 300, 250, 400, 1000, score: 0.1f);
        var e = Assert.Throws<InputException>(() => PortraitFraming.Choose(RgbImage.Filled(1000, 1000, 0), [ghost], "portrait.png"));
        Assert.Equal("portrait.png", e.Input);
        Assert.Contains("no person", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_square_portrait_is_reported()
    {
        var person = SyntheticPerson.Upright(500, 500, 300, 250, 400, 1000);
        var analysis = PortraitFraming.Choose(RgbImage.Filled(1000, 1400, 0), [person], "portrait.png");
        Assert.False(analysis.Report.Aligned);
        Assert.Contains(analysis.Notes, n => n.Contains("1400x1000", StringComparison.Ordinal));
    }
}
