namespace EchoMimic.Inference.Pose;

/// <summary>
/// One frame of an official pose sequence (<c>N.npy</c>, see reference/dwpose.md section 8). Only the hands and
/// <c>draw_pose_params</c> affect rendering (<c>draw_pose_select_v2</c> draws hands only); bodies and faces are kept
/// so a sequence can be written back unchanged.
/// </summary>
/// <param name="Hands">(K, 21, 2) normalised x, y: [left, right] hand for one person (K = 2).</param>
/// <param name="HandsScore">(K, 21) keypoint scores (may exceed 1).</param>
/// <param name="DrawPoseParams"><c>[imh_new, imw_new, rb, re, cb, ce]</c>.</param>
public sealed record PoseFrame(
    NpyArray Hands,
    NpyArray HandsScore,
    int[] DrawPoseParams,
    NpyArray BodyCandidate,
    NpyArray BodySubset,
    NpyArray BodyScore,
    NpyArray Faces,
    NpyArray FacesScore,
    long Num)
{
    public const int HandPoints = 21;

    public int HandCount => Hands.Shape[0];

    public double HandX(int hand, int point) => Hands.Data[(hand * HandPoints + point) * 2];
    public double HandY(int hand, int point) => Hands.Data[(hand * HandPoints + point) * 2 + 1];
    public double HandScore(int hand, int point) => HandsScore.Data[hand * HandPoints + point];
}
