using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.DwPose;

/// <summary>
/// One frame of an extracted gesture: the 134 DWPose points (see <see cref="PersonPose"/>) normalised to the square
/// gesture frame, their scores, and whether the frame was filled by interpolation (no person detected).
/// </summary>
public sealed record GestureFrame(double[] Xy, float[] Scores, bool Interpolated)
{
    public double X(int p) => Xy[p * 2];
    public double Y(int p) => Xy[p * 2 + 1];
}

/// <summary>
/// A gesture: frames at a fixed rate in the square frame the renderer draws into. Converts to the official per-frame
/// dict (<see cref="Pose.PoseFrame"/>, one person, <c>draw_pose_params = [768, 768, 0, 768, 0, 768]</c> like every
/// official file) and to our compact single file (<see cref="GestureFile"/>).
/// </summary>
public sealed record GestureSequence(double Fps, IReadOnlyList<GestureFrame> Frames)
{
    public const int OfficialDrawSize = 768;

    public PoseFrame ToPoseFrame(int index)
    {
        var f = Frames[index];
        double[] Points(int start, int count) => Enumerable.Range(start, count).SelectMany(p => new[] { f.X(p), f.Y(p) }).ToArray();
        double[] Scores(int start, int count) => Enumerable.Range(start, count).Select(p => (double)f.Scores[p]).ToArray();
        return new PoseFrame(
            Hands: new NpyArray([.. Points(PersonPose.LeftHandStart, 21), .. Points(PersonPose.RightHandStart, 21)], [2, 21, 2]),
            HandsScore: new NpyArray([.. Scores(PersonPose.LeftHandStart, 21), .. Scores(PersonPose.RightHandStart, 21)], [2, 21]),
            DrawPoseParams: [OfficialDrawSize, OfficialDrawSize, 0, OfficialDrawSize, 0, OfficialDrawSize],
            BodyCandidate: new NpyArray(Points(0, 18), [18, 2]),
            // dwpose_detector.py: subset = 18*i + j where score > 0.3 else -1 (one person: i = 0).
            BodySubset: new NpyArray(Enumerable.Range(0, 18).Select(j => f.Scores[j] > 0.3f ? (double)j : -1).ToArray(), [1, 18]),
            BodyScore: new NpyArray(Scores(0, 18), [1, 18]),
            Faces: new NpyArray(Points(PersonPose.FaceStart, 68), [1, 68, 2]),
            FacesScore: new NpyArray(Scores(PersonPose.FaceStart, 68), [1, 68]),
            Num: index);
    }

    public IReadOnlyList<PoseFrame> ToPoseFrames() => Enumerable.Range(0, Frames.Count).Select(ToPoseFrame).ToList();

    /// <summary>
    /// From official frames (e.g. a demo gesture folder): the 134 points rebuilt from bodies/faces/hands; feet are
    /// not stored in the official files and come back as zeros with score 0.
    /// </summary>
    public static GestureSequence FromPoseFrames(IReadOnlyList<PoseFrame> frames, double fps)
    {
        var result = new List<GestureFrame>(frames.Count);
        foreach (var frame in frames)
        {
            var xy = new double[PersonPose.Points * 2];
            var scores = new float[PersonPose.Points];
            for (int j = 0; j < 18; j++)
            {
                xy[j * 2] = frame.BodyCandidate.Data[j * 2];
                xy[j * 2 + 1] = frame.BodyCandidate.Data[j * 2 + 1];
                bool visible = frame.BodySubset.Data.Length > j && frame.BodySubset.Data[j] >= 0;
                // Keep the recorded score, but never let a point the file marks invisible look visible.
                scores[j] = visible ? Math.Max((float)frame.BodyScore.Data[j], 0.31f) : Math.Min((float)frame.BodyScore.Data[j], 0.3f);
            }
            for (int k = 0; k < 68 && k * 2 + 1 < frame.Faces.Data.Length; k++)
            {
                xy[(PersonPose.FaceStart + k) * 2] = frame.Faces.Data[k * 2];
                xy[(PersonPose.FaceStart + k) * 2 + 1] = frame.Faces.Data[k * 2 + 1];
                scores[PersonPose.FaceStart + k] = (float)frame.FacesScore.Data[k];
            }
            // hands = [left hands of all persons; right hands of all persons]: person 0's are rows 0 and N.
            int persons = frame.HandCount / 2;
            for (int side = 0; side < 2 && persons > 0; side++)
            {
                int start = side == 0 ? PersonPose.LeftHandStart : PersonPose.RightHandStart, row = side * persons;
                for (int k = 0; k < 21; k++)
                {
                    xy[(start + k) * 2] = frame.HandX(row, k);
                    xy[(start + k) * 2 + 1] = frame.HandY(row, k);
                    scores[start + k] = (float)frame.HandScore(row, k);
                }
            }
            result.Add(new GestureFrame(xy, scores, false));
        }
        return new GestureSequence(fps, result);
    }

    /// <summary>A frame as a <see cref="NormalizedPose"/> (framing metrics, retargeting).</summary>
    public NormalizedPose Pose(int index) => NormalizedPose.FromPerson(new PersonPose(Frames[index].Xy, Frames[index].Scores), 1, 1);
}
