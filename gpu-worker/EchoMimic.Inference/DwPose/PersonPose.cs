namespace EchoMimic.Inference.DwPose;

/// <summary>
/// One person's 134 whole-body points in image pixels, after wholebody.py's neck insertion and OpenPose reordering:
/// body 0..17 (OpenPose-18, neck at 1), feet 18..23, face 24..91, left hand 92..112, right hand 113..133.
/// </summary>
public sealed record PersonPose(double[] Xy, float[] Scores)
{
    public const int Points = 134;
    public const int BodyPoints = 18;
    public const int FaceStart = 24;
    public const int FacePoints = 68;
    public const int LeftHandStart = 92;
    public const int RightHandStart = 113;
    public const int HandPoints = 21;

    // wholebody.py: openpose positions [1,2,3,4,6,7,8,9,10,12,13,14,15,16,17] take mmpose (post-insert) points
    // [17,6,8,10,7,9,12,14,16,13,15,2,1,4,3]; the right-hand side is read before any write.
    private static readonly int[] OpenPoseSlots = [1, 2, 3, 4, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17];
    private static readonly int[] MmposeSources = [17, 6, 8, 10, 7, 9, 12, 14, 16, 13, 15, 2, 1, 4, 3];

    public double X(int point) => Xy[point * 2];
    public double Y(int point) => Xy[point * 2 + 1];

    /// <summary>
    /// wholebody.py <c>Wholebody.__call__</c> after inference_pose: neck = mean of mmpose shoulders 5 and 6 with score 1.0
    /// when both shoulder scores &gt; 0.3 else 0.0, inserted at 17, then the OpenPose reordering.
    /// </summary>
    public static PersonPose FromMmpose133(double[] xy133, float[] scores133)
    {
        var xy = new double[Points * 2];
        var scores = new float[Points];
        for (int p = 0, q = 0; p < Points; p++)
        {
            if (p == 17)
            {
                xy[34] = (xy133[10] + xy133[12]) / 2;
                xy[35] = (xy133[11] + xy133[13]) / 2;
                scores[17] = scores133[5] > 0.3f && scores133[6] > 0.3f ? 1f : 0f;
                continue;
            }
            xy[p * 2] = xy133[q * 2];
            xy[p * 2 + 1] = xy133[q * 2 + 1];
            scores[p] = scores133[q];
            q++;
        }
        var srcXy = (double[])xy.Clone();
        var srcScores = (float[])scores.Clone();
        for (int i = 0; i < OpenPoseSlots.Length; i++)
        {
            xy[OpenPoseSlots[i] * 2] = srcXy[MmposeSources[i] * 2];
            xy[OpenPoseSlots[i] * 2 + 1] = srcXy[MmposeSources[i] * 2 + 1];
            scores[OpenPoseSlots[i]] = srcScores[MmposeSources[i]];
        }
        return new PersonPose(xy, scores);
    }

    /// <summary>Area of the body box spanned by the confident (score &gt; 0.3) body points, to pick the main person.</summary>
    public double BodyArea()
    {
        double x1 = double.MaxValue, y1 = double.MaxValue, x2 = double.MinValue, y2 = double.MinValue;
        for (int j = 0; j < BodyPoints; j++)
        {
            if (Scores[j] <= 0.3f) continue;
            x1 = Math.Min(x1, X(j)); x2 = Math.Max(x2, X(j));
            y1 = Math.Min(y1, Y(j)); y2 = Math.Max(y2, Y(j));
        }
        return x2 > x1 && y2 > y1 ? (x2 - x1) * (y2 - y1) : 0;
    }
}
