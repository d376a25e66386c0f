using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.DwPose;

/// <summary>
/// One person's keypoints in normalised image coordinates (x / W, y / H), the common ground of a DWPose detection
/// and an official pose frame: body OpenPose-18 (with visibility), face 68, hands [left, right] x 21.
/// </summary>
public sealed record NormalizedPose(double[] BodyXy, bool[] BodyVisible, double[] FaceXy, double[] FaceScore, double[] HandXy, double[] HandScore)
{
    public const int Nose = 0, Neck = 1, RightShoulder = 2, RightElbow = 3, RightWrist = 4, LeftShoulder = 5, LeftElbow = 6, LeftWrist = 7;
    public const int RightHip = 8, LeftHip = 11, RightEye = 14, LeftEye = 15, RightEar = 16, LeftEar = 17;
    public const double VisibleScore = 0.3;

    public (double X, double Y) Body(int j) => (BodyXy[j * 2], BodyXy[j * 2 + 1]);
    public (double X, double Y) Face(int k) => (FaceXy[k * 2], FaceXy[k * 2 + 1]);
    public (double X, double Y) Hand(int hand, int k) => (HandXy[(hand * 21 + k) * 2], HandXy[(hand * 21 + k) * 2 + 1]);

    /// <summary>From a DWPose detection in pixels of an image of the given size; visibility is the official subset rule (score &gt; 0.3).</summary>
    public static NormalizedPose FromPerson(PersonPose person, int imageHeight, int imageWidth)
    {
        double w = imageWidth, h = imageHeight;
        double[] Slice(int start, int count) =>
            Enumerable.Range(start, count).SelectMany(p => new[] { person.X(p) / w, person.Y(p) / h }).ToArray();
        double[] Scores(int start, int count) => Enumerable.Range(start, count).Select(p => (double)person.Scores[p]).ToArray();
        return new NormalizedPose(
            Slice(0, 18),
            Enumerable.Range(0, 18).Select(j => person.Scores[j] > VisibleScore).ToArray(),
            Slice(PersonPose.FaceStart, PersonPose.FacePoints),
            Scores(PersonPose.FaceStart, PersonPose.FacePoints),
            [.. Slice(PersonPose.LeftHandStart, 21), .. Slice(PersonPose.RightHandStart, 21)],
            [.. Scores(PersonPose.LeftHandStart, 21), .. Scores(PersonPose.RightHandStart, 21)]);
    }

    /// <summary>From an official pose frame (first person); visibility is its <c>subset</c> (-1 = not visible).</summary>
    public static NormalizedPose FromFrame(PoseFrame frame)
    {
        var visible = Enumerable.Range(0, 18).Select(j => frame.BodySubset.Data.Length > j && frame.BodySubset.Data[j] >= 0).ToArray();
        // hands = [left hands of all persons; right hands of all persons]: person 0's are rows 0 and N.
        int persons = frame.HandCount / 2;
        var handXy = new double[84];
        var handScore = new double[42];
        for (int side = 0; side < 2 && persons > 0; side++)
        {
            Array.Copy(frame.Hands.Data, side * persons * 42, handXy, side * 42, 42);
            Array.Copy(frame.HandsScore.Data, side * persons * 21, handScore, side * 21, 21);
        }
        return new NormalizedPose(
            frame.BodyCandidate.Data.Take(36).ToArray(), visible,
            frame.Faces.Data.Take(136).ToArray(), frame.FacesScore.Data.Take(68).ToArray(),
            handXy, handScore);
    }

    /// <summary>The same pose after x' = a x + bx, y' = a y + by (normalised coordinates of the new frame).</summary>
    public NormalizedPose Transformed(double scale, double shiftX, double shiftY)
    {
        double[] Map(double[] xy) => xy.Select((v, i) => v * scale + (i % 2 == 0 ? shiftX : shiftY)).ToArray();
        return this with { BodyXy = Map(BodyXy), FaceXy = Map(FaceXy), HandXy = Map(HandXy) };
    }
}
