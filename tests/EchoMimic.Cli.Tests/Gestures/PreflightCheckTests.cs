using EchoMimic.Cli.Commands;
using EchoMimic.Cli.Local;
using EchoMimic.Core;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Cli.Tests.Gestures;

/// <summary>
/// The render preflight on its own (no render): framing warnings with the numbers, <c>--auto-fit</c>, retargeting
/// defaults, and the no-models paths, on hand-placed keypoints (expected values computed by hand in the comments).
/// </summary>
public sealed class PreflightCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("preflight").FullName;
    private readonly string _work;
    private readonly string _gesture;

    public PreflightCheckTests()
    {
        _work = Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName;
        _gesture = SyntheticPortrait.WriteGesture(Path.Combine(_dir, "gesture"));
    }

    private RenderRequest Request(string image, string? pose = null) =>
        new(image, Path.Combine(_dir, "speech.wav"), pose ?? _gesture, Path.Combine(_dir, "out", "v.mp4"),
            RenderSettings.AcceleratedDefaults with { Width = 64, Height = 64 });

    private PreflightOptions Options(bool autoFit = false, bool? retarget = null, bool user = true, params PersonPose[] persons) =>
        new(SyntheticPortrait.FakeModels(Path.Combine(_dir, "models")), autoFit, retarget, user)
        {
            OpenPoser = _ => new SyntheticPoser(persons.Length > 0 ? persons : [SyntheticPortrait.OffFrame()]),
        };

    [Fact]
    public void Off_framing_warns_with_expected_and_observed_numbers_and_keeps_the_portrait()
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "p.png"), 160, 100);
        var result = PreflightCheck.Run(Request(image), Options(retarget: false), _work);

        Assert.Equal(image, result.Request.Image);
        Assert.Null(result.FittedImage);
        // Neck (160, 100) of 256: x 0.625, y 0.391; shoulders 60/256 = 0.234; nose 60/256 = 0.234; head top 20/256 = 0.078.
        Assert.Contains(result.Messages, m => m.StartsWith("warning: the portrait's framing is off in 5 of 6", StringComparison.Ordinal));
        Assert.Contains(result.Messages, m => m.Contains("shoulder width", StringComparison.Ordinal) && m.Contains("expected 0.415 +/- 0.110, observed 0.234", StringComparison.Ordinal));
        Assert.Contains(result.Messages, m => m.Contains("neck height", StringComparison.Ordinal) && m.Contains("observed 0.391", StringComparison.Ordinal));
        Assert.Contains(result.Messages, m => m.Contains("centred (neck x)", StringComparison.Ordinal) && m.Contains("observed 0.625", StringComparison.Ordinal));
        Assert.Contains(result.Messages, m => m.Contains("head-top margin", StringComparison.Ordinal) && m.Contains("observed 0.078", StringComparison.Ordinal));
        Assert.Contains(result.Messages, m => m.Contains("--auto-fit", StringComparison.Ordinal));
        var portrait = result.Report["portrait"]!;
        Assert.True(portrait["checked"]!.GetValue<bool>());
        Assert.False(portrait["aligned"]!.GetValue<bool>());
        Assert.False(portrait["fitted"]!.GetValue<bool>());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    [Fact]
    public void Aligned_portrait_gets_no_warning()
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "p.png"), 128, 118);
        var result = PreflightCheck.Run(Request(image), Options(retarget: false, persons: SyntheticPortrait.Aligned()), _work);
        Assert.DoesNotContain(result.Messages, m => m.StartsWith("warning", StringComparison.Ordinal));
        Assert.Contains("portrait framing matches the official portraits", result.Messages);
        Assert.True(result.Report["portrait"]!["aligned"]!.GetValue<bool>());
    }

    [Fact]
    public void Several_people_use_the_largest_and_say_so()
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "p.png"), 128, 118);
        var small = SyntheticPortrait.Upright(40, 40, 20, 20, 30, 90);
        var result = PreflightCheck.Run(Request(image), Options(retarget: false, persons: [small, SyntheticPortrait.Aligned()]), _work);
        Assert.Contains(result.Messages, m => m.StartsWith("note: 2 people detected; using the largest", StringComparison.Ordinal));
        // The large person is the aligned one: choosing the small one would have produced warnings.
        Assert.DoesNotContain(result.Messages, m => m.StartsWith("warning", StringComparison.Ordinal));
    }

    [Fact]
    public void Auto_fit_renders_the_fitted_portrait_with_the_neck_at_the_official_place()
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "p.png"), 160, 100);
        var result = PreflightCheck.Run(Request(image), Options(autoFit: true, retarget: false), _work);

        Assert.NotNull(result.FittedImage);
        Assert.Equal(result.FittedImage, result.Request.Image);
        Assert.Contains(result.Messages, m => m.StartsWith("auto-fit: portrait scaled by 0.387", StringComparison.Ordinal));
        var fitted = ImageFile.Load(result.FittedImage!);
        Assert.Equal((64, 64), (fitted.Width, fitted.Height));
        // Scale = mean(0.415*64/60, (0.461-0.048)*64/80) = 0.38653; the red 40 px square around the neck becomes
        // ~15.5 px around (0.500*64, 0.461*64) = (32, 29.5): red there, grey 12 px away and in the corner.
        Assert.True(fitted[29, 32, 0] > 200 && fitted[29, 32, 1] < 60, "neck pixel is red");
        Assert.True(fitted[41, 32, 0] < 150, "12 px below the neck is background");
        Assert.True(fitted[29, 20, 0] < 150, "12 px left of the neck is background");
        Assert.True(fitted[2, 2, 0] < 150, "corner is background");
        Assert.True(result.Report["portrait"]!["fitted"]!.GetValue<bool>());
        Assert.Equal(64, result.Report["portrait"]!["fit"]!["size"]!.GetValue<int>());
    }

    [Fact]
    public void Retarget_is_on_by_default_for_a_user_gesture_and_maps_it_onto_the_portrait_body()
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "p.png"), 160, 100);
        var result = PreflightCheck.Run(Request(image), Options(user: true), _work);

        Assert.NotEqual(_gesture, result.Request.PoseFolder);
        Assert.True(result.Report["gesture"]!["retargeted"]!.GetValue<bool>());
        // Portrait shoulders 60/256 = 0.234375, gesture 0.4 (no hips in the gesture): scale 0.5859375; neck
        // (0.5, 0.45) -> (0.625, 0.390625); the left hand (0.7, 0.8) -> (0.7421875, 0.595703125).
        Assert.Equal(0.5859375, result.Report["gesture"]!["scale"]!.GetValue<double>(), 6);
        var frames = NpyPoseReader.ReadFolder(result.Request.PoseFolder);
        Assert.Equal(24, frames.Count);
        Assert.Equal(0.7421875, frames[5].HandX(0, 3), 5);
        Assert.Equal(0.595703125, frames[5].HandY(0, 3), 5);
        Assert.Equal(0.625, frames[5].BodyCandidate.Data[2], 5);
    }

    [Fact]
    public void Retarget_after_auto_fit_targets_the_fitted_body()
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "p.png"), 160, 100);
        var result = PreflightCheck.Run(Request(image), Options(autoFit: true, user: true), _work);
        // Fitted shoulders 60 * 0.386533 / 64 = 0.362375, so scale 0.362375 / 0.4 = 0.9059375; the neck goes to
        // (0.500, 0.461): left hand x 0.9059375 * 0.2 + 0.5 = 0.6811875, y 0.9059375 * 0.35 + 0.461 = 0.778078.
        Assert.Equal(0.9059375, result.Report["gesture"]!["scale"]!.GetValue<double>(), 5);
        var frame = NpyPoseReader.ReadFolder(result.Request.PoseFolder)[0];
        Assert.Equal(0.6811875, frame.HandX(0, 0), 4);
        Assert.Equal(0.778078, frame.HandY(0, 0), 4);
    }

    [Fact]
    public void Retarget_is_off_by_default_for_a_bundled_gesture_and_with_no_retarget()
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "p.png"), 160, 100);
        foreach (var options in new[] { Options(user: false), Options(user: true, retarget: false) })
        {
            var result = PreflightCheck.Run(Request(image), options, _work);
            Assert.Equal(_gesture, result.Request.PoseFolder);
            Assert.Null(result.Retargeted);
            Assert.False(result.Report["gesture"]!["retargeted"]!.GetValue<bool>());
            Assert.DoesNotContain(result.Messages, m => m.StartsWith("retarget", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Render_flags_choose_the_retarget_default_from_the_gesture_given()
    {
        static RenderCommand.RenderOptions With(string? pose) => new(null, null, pose, null, null, false, null, null, null, null, null, null, null);
        Assert.True(RenderCommand.PreflightOptionsOf(With(_gesture)).RetargetWanted);
        Assert.True(RenderCommand.PreflightOptionsOf(With(Path.Combine(_dir, "mine.emgesture"))).UserGesture);
        Assert.False(RenderCommand.PreflightOptionsOf(With("hand_raise")).RetargetWanted);
        // No --pose composes a gesture from the speech, in the official framing: retargeted like a user's gesture.
        Assert.True(RenderCommand.PreflightOptionsOf(With(null)).RetargetWanted);
        Assert.True(RenderCommand.PreflightOptionsOf(With("compose")).RetargetWanted);
        var bundled = EchoMimic.Inference.Samples.BundledSamples.Find();
        if (bundled is not null) Assert.False(RenderCommand.PreflightOptionsOf(With(bundled.Gesture("breathing"))).UserGesture);
        Assert.False(RenderCommand.PreflightOptionsOf(With(_gesture) with { NoRetarget = true }).RetargetWanted);
        Assert.True(RenderCommand.PreflightOptionsOf(With("hand_raise") with { Retarget = true }).RetargetWanted);
        Assert.Throws<InputException>(() => RenderCommand.PreflightOptionsOf(With(_gesture) with { Retarget = true, NoRetarget = true }));
        // Default models folder: WEIGHTS/dwpose, i.e. ./pretrained_weights/dwpose without --weights.
        Assert.Equal(Path.Combine("pretrained_weights", "dwpose"), RenderCommand.PreflightOptionsOf(With(null)).Models);
        Assert.Equal(Path.Combine("/w", "dwpose"), RenderCommand.PreflightOptionsOf(With(null) with { Weights = "/w" }).Models);
    }

    [Fact]
    public void Without_models_one_notice_and_nothing_changes()
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "p.png"), 160, 100);
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "no-models")).FullName;
        var poser = new SyntheticPoser(SyntheticPortrait.OffFrame());
        var result = PreflightCheck.Run(Request(image), new PreflightOptions(empty, false, null, true) { OpenPoser = _ => poser }, _work);
        var notice = Assert.Single(result.Messages);
        Assert.StartsWith("notice: DWPose models not found in " + empty, notice, StringComparison.Ordinal);
        Assert.Contains("retargeting skipped", notice, StringComparison.Ordinal);
        Assert.Equal(Request(image), result.Request);
        Assert.Equal(0, poser.Calls);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    [Fact]
    public void Auto_fit_or_explicit_retarget_without_models_is_an_input_error_naming_the_model_file()
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "p.png"), 160, 100);
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "no-models")).FullName;
        foreach (var options in new[] { new PreflightOptions(empty, true, null, true), new PreflightOptions(empty, false, true, false) })
        {
            var e = Assert.Throws<InputException>(() => PreflightCheck.Run(Request(image), options, _work));
            Assert.Equal(Path.Combine(empty, "yolox_l.onnx"), e.Input);
            Assert.Contains("huggingface.co/yzd-v/DWPose", e.Problem, StringComparison.Ordinal);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    [Fact]
    public void Explicit_retarget_on_a_portrait_without_a_person_is_an_input_error_while_the_default_warns()
    {
        var image = SyntheticPortrait.PaintPng(Path.Combine(_dir, "p.png"), 160, 100);
        var nobody = new PersonPose(new double[PersonPose.Points * 2], new float[PersonPose.Points]);
        var e = Assert.Throws<InputException>(() => PreflightCheck.Run(Request(image), Options(retarget: true, persons: nobody), _work));
        Assert.Equal(image, e.Input);
        var result = PreflightCheck.Run(Request(image), Options(user: true, persons: nobody), _work);
        Assert.Contains(result.Messages, m => m.StartsWith("warning: no person detected", StringComparison.Ordinal));
        Assert.Contains(result.Messages, m => m.Contains("the gesture is not retargeted", StringComparison.Ordinal));
        Assert.Equal(_gesture, result.Request.PoseFolder);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
