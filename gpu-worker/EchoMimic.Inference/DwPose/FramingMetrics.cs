namespace EchoMimic.Inference.DwPose;

/// <summary>
/// The framing of a half-body portrait, in normalised coordinates of a square frame (0 = top/left, 1 = bottom/right):
/// what EchoMimicV2 needs aligned between the portrait and the gesture. Null where the keypoints are not visible.
/// </summary>
/// <param name="HeadTopY">Estimated top of the head: brow line minus half the brow-to-chin height (the brow-chin
/// span is about two thirds of the head; DWPose has no head-top keypoint).</param>
/// <param name="ShoulderWidth">Distance between the shoulder keypoints, in frame widths.</param>
/// <param name="HandsVisible">Hands whose 21 points have a mean score above 0.3 and a wrist inside the frame.</param>
public sealed record FramingMetrics(double? HeadTopY, double? NoseY, double? NeckX, double? NeckY, double? ShoulderWidth, double? HipY, int HandsVisible)
{
    private const double HandScore = 0.3;

    public static FramingMetrics Measure(NormalizedPose pose)
    {
        double? Coord(int j, bool y) => pose.BodyVisible[j] ? (y ? pose.Body(j).Y : pose.Body(j).X) : null;
        double? shoulders = pose.BodyVisible[NormalizedPose.RightShoulder] && pose.BodyVisible[NormalizedPose.LeftShoulder]
            ? Distance(pose.Body(NormalizedPose.RightShoulder), pose.Body(NormalizedPose.LeftShoulder)) : null;
        double? hip = pose.BodyVisible[NormalizedPose.RightHip] && pose.BodyVisible[NormalizedPose.LeftHip]
            ? (pose.Body(NormalizedPose.RightHip).Y + pose.Body(NormalizedPose.LeftHip).Y) / 2 : null;
        int hands = 0;
        for (int hand = 0; hand < 2; hand++)
        {
            double mean = Enumerable.Range(0, 21).Average(k => pose.HandScore[hand * 21 + k]);
            var wrist = pose.Hand(hand, 0);
            if (mean > HandScore && wrist.X is >= 0 and <= 1 && wrist.Y is >= 0 and <= 1) hands++;
        }
        return new FramingMetrics(HeadTop(pose), Coord(NormalizedPose.Nose, true), Coord(NormalizedPose.Neck, false), Coord(NormalizedPose.Neck, true), shoulders, hip, hands);
    }

    // 68-point face: jaw 0..16 (chin 8), brows 17..26. Only confident points count (faces_score > 0.3).
    private static double? HeadTop(NormalizedPose pose)
    {
        var brows = Enumerable.Range(17, 10).Where(k => pose.FaceScore[k] > HandScore).Select(k => pose.Face(k).Y).ToList();
        if (brows.Count < 3 || pose.FaceScore[8] <= HandScore) return null;
        double brow = brows.Average(), chin = pose.Face(8).Y;
        return chin > brow ? brow - 0.5 * (chin - brow) : null;
    }

    private static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
