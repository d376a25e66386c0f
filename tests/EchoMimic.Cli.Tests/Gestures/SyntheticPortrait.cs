using EchoMimic.Cli.Local;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Cli.Tests.Gestures;

/// <summary>
/// Hand-placed keypoints and images for the render preflight tests: every number here is chosen by hand (none comes
/// from the code under test). The tiny random-weight DWPose fixture models give arbitrary keypoints (docs/gestures.md),
/// so exact framing numbers are tested with these instead, through <see cref="IPreflightPoser"/>.
/// </summary>
internal static class SyntheticPortrait
{
    public const int Side = 256;

    /// <summary>Off-framing person on a 256 px portrait: neck (160, 100), shoulders 60 px, brows 40, chin 80, hips 250.</summary>
    public static PersonPose OffFrame() => Upright(160, 100, 60, 40, 80, 250);

    /// <summary>
    /// A person at the official framing on a 256 px portrait (docs/gestures.md: head top 0.048, nose 0.192, neck
    /// (0.500, 0.461), shoulders 0.415): neck (128, 118.016), shoulders 106.24 px, brows 30.72 and chin 67.58 give
    /// head top 30.72 - 18.43 = 12.29 (0.048) and nose 49.15 (0.192).
    /// </summary>
    public static PersonPose Aligned() => Upright(128, 118.016, 106.24, 30.72, 67.58, 268);

    /// <summary>An upright person in pixels (face points at the nose, brows on a line, chin below, both hands at the sides).</summary>
    public static PersonPose Upright(double cx, double neckY, double shoulderWidth, double browY, double chinY, double hipY)
    {
        var xy = new double[PersonPose.Points * 2];
        var scores = Enumerable.Repeat(0.9f, PersonPose.Points).ToArray();
        void Set(int p, double x, double y) { xy[p * 2] = x; xy[p * 2 + 1] = y; }
        double half = shoulderWidth / 2, nose = (browY + chinY) / 2;
        for (int p = 0; p < PersonPose.Points; p++) Set(p, cx, nose);
        Set(1, cx, neckY);
        Set(2, cx - half, neckY);
        Set(5, cx + half, neckY);
        Set(3, cx - half, neckY + shoulderWidth * 0.6);
        Set(6, cx + half, neckY + shoulderWidth * 0.6);
        Set(4, cx - half, neckY + shoulderWidth * 1.1);
        Set(7, cx + half, neckY + shoulderWidth * 1.1);
        Set(8, cx - half * 0.6, hipY);
        Set(11, cx + half * 0.6, hipY);
        for (int k = 17; k <= 26; k++) Set(PersonPose.FaceStart + k, cx + (k - 21.5) * 3, browY);
        Set(PersonPose.FaceStart + 8, cx, chinY);
        for (int k = 0; k < 21; k++)
        {
            Set(PersonPose.LeftHandStart + k, cx + half + 10, neckY + shoulderWidth * 1.2 + k * 0.5);
            Set(PersonPose.RightHandStart + k, cx - half - 10, neckY + shoulderWidth * 1.2 + k * 0.5);
        }
        return new PersonPose(xy, scores);
    }

    /// <summary>A grey 256 px portrait with a red 40 px square centred on the given point (the neck, to follow it through a fit).</summary>
    public static string PaintPng(string path, double markX, double markY)
    {
        var pixels = new byte[Side * Side * 3];
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
            {
                bool red = Math.Abs(x + 0.5 - markX) <= 20 && Math.Abs(y + 0.5 - markY) <= 20;
                var i = (y * Side + x) * 3;
                (pixels[i], pixels[i + 1], pixels[i + 2]) = red ? ((byte)230, (byte)20, (byte)20) : ((byte)128, (byte)128, (byte)128);
            }
        ImageFile.Save(new RgbImage(Side, Side, pixels), path);
        return path;
    }

    /// <summary>
    /// A 24-frame gesture in normalised coordinates: neck (0.5, 0.45), shoulders 0.3..0.7 (0.4 wide), hips not visible,
    /// every left-hand point at (0.7, 0.8), every right-hand point at (0.3, 0.8), written as an official N.npy folder.
    /// </summary>
    public static string WriteGesture(string folder, int frames = 24)
    {
        var list = new List<GestureFrame>();
        for (int f = 0; f < frames; f++)
        {
            var xy = new double[PersonPose.Points * 2];
            var scores = Enumerable.Repeat(0.9f, PersonPose.Points).ToArray();
            void Set(int p, double x, double y) { xy[p * 2] = x; xy[p * 2 + 1] = y; }
            for (int p = 0; p < PersonPose.Points; p++) Set(p, 0.5, 0.2);
            Set(1, 0.5, 0.45);
            Set(2, 0.3, 0.45);
            Set(5, 0.7, 0.45);
            Set(3, 0.3, 0.6);
            Set(6, 0.7, 0.6);
            Set(4, 0.3, 0.75);
            Set(7, 0.7, 0.75);
            scores[8] = scores[11] = 0.1f;
            for (int k = 0; k < 21; k++)
            {
                Set(PersonPose.LeftHandStart + k, 0.7, 0.8);
                Set(PersonPose.RightHandStart + k, 0.3, 0.8);
            }
            list.Add(new GestureFrame(xy, scores, false));
        }
        NpyPoseWriter.WriteFolder(folder, new GestureSequence(24, list).ToPoseFrames());
        return folder;
    }

    /// <summary>A folder holding both DWPose model files (empty files: the synthetic poser never opens them).</summary>
    public static string FakeModels(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, DwPoseModelFiles.DetectorFile), [0]);
        File.WriteAllBytes(Path.Combine(folder, DwPoseModelFiles.PoseFile), [0]);
        return folder;
    }

    /// <summary>The tiny random-weight fixture models under the official names, or a skip when the fixtures are absent.</summary>
    public static string TinyModels(string folder)
    {
        var fixtures = Path.Combine(EchoMimic.Inference.RepositoryRoot.DefaultFixtures(), "dwpose");
        var det = Path.Combine(fixtures, "yolox_tiny_random.onnx");
        var pose = Path.Combine(fixtures, "dwpose_tiny_random.onnx");
        if (!File.Exists(det) || !File.Exists(pose)) RequiredData.Missing($"tiny DWPose models are not available ({fixtures})");
        Directory.CreateDirectory(folder);
        File.Copy(det, Path.Combine(folder, DwPoseModelFiles.DetectorFile));
        File.Copy(pose, Path.Combine(folder, DwPoseModelFiles.PoseFile));
        return folder;
    }
}
