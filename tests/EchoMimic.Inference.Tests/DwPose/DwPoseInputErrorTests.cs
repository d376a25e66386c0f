using EchoMimic.Core;
using EchoMimic.Inference.DwPose;

namespace EchoMimic.Inference.Tests.DwPose;

/// <summary>Error paths with real files: missing models, unreadable images, a portrait in which the detector finds nobody.</summary>
public sealed class DwPoseInputErrorTests
{
    internal static string TinyModels()
    {
        var fixtures = Path.Combine(FixtureFiles.Root, "dwpose");
        var det = Path.Combine(fixtures, "yolox_tiny_random.onnx");
        var pose = Path.Combine(fixtures, "dwpose_tiny_random.onnx");
        if (!File.Exists(det) || !File.Exists(pose)) RequiredData.Missing("tiny DWPose models are not available (../shared/fixtures/dwpose)");
        var folder = Directory.CreateTempSubdirectory("dwpose-models-").FullName;
        File.Copy(det, Path.Combine(folder, DwPoseModelFiles.DetectorFile));
        File.Copy(pose, Path.Combine(folder, DwPoseModelFiles.PoseFile));
        return folder;
    }

    [Fact]
    public void Missing_model_file_names_the_path_and_the_source()
    {
        var folder = Directory.CreateTempSubdirectory("dwpose-empty-").FullName;
        var e = Assert.Throws<InputException>(() => DwPoseModelFiles.InFolder(folder).Require());
        Assert.Equal(Path.Combine(folder, "yolox_l.onnx"), e.Input);
        Assert.Contains("huggingface.co/yzd-v/DWPose", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_pose_model_is_named_when_the_detector_is_present()
    {
        var folder = Directory.CreateTempSubdirectory("dwpose-half-").FullName;
        File.WriteAllBytes(Path.Combine(folder, DwPoseModelFiles.DetectorFile), [0]);
        var e = Assert.Throws<InputException>(() => DwPoseModelFiles.InFolder(folder).Require());
        Assert.Equal(Path.Combine(folder, "dw-ll_ucoco_384.onnx"), e.Input);
    }

    [Fact]
    public void Unreadable_portrait_is_an_input_error()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("dwpose-img-").FullName, "portrait.png");
        File.WriteAllText(path, "not an image");
        var e = Assert.Throws<InputException>(() => ImageFile.Load(path));
        Assert.Equal(path, e.Input);
    }

    [Fact]
    public void Portrait_where_the_detector_finds_nobody_is_no_person()
    {
        // The fixtures README: the tiny detector finds nobody on a flat grey image (fixture dwpose_wholebody_04).
        var folder = TinyModels();
        using var estimator = DwPoseEstimator.Open(DwPoseModelFiles.InFolder(folder));
        var e = Assert.Throws<InputException>(() => PortraitFraming.Analyse(estimator, RgbImage.Filled(240, 320, 128), "grey.png"));
        Assert.Contains("no person detected", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_round_trips_through_png()
    {
        var pixels = Enumerable.Range(0, 7 * 5 * 3).Select(i => (byte)(i * 7)).ToArray();
        var path = Path.Combine(Directory.CreateTempSubdirectory("dwpose-png-").FullName, "x.png");
        ImageFile.Save(new RgbImage(7, 5, pixels), path);
        var back = ImageFile.Load(path);
        Assert.Equal(7, back.Height);
        Assert.Equal(5, back.Width);
        Assert.Equal(pixels, back.Pixels);
    }
}
