using EchoMimic.Inference.DwPose;

namespace EchoMimic.Inference.Tests.DwPose;

/// <summary>Hand-placed whole-body keypoints (pixels) for geometry tests: every value is chosen here, none computed by the code under test.</summary>
internal static class SyntheticPerson
{
    /// <summary>
    /// An upright person: neck at (cx, neckY), shoulders half a shoulder width either side, brows at browY, chin at
    /// chinY, nose between, hips at hipY, both hands at the sides; all scores 0.9.
    /// </summary>
    public static PersonPose Upright(double cx, double neckY, double shoulderWidth, double browY, double chinY, double hipY, float score = 0.9f)
    {
        var xy = new double[PersonPose.Points * 2];
        var scores = Enumerable.Repeat(score, PersonPose.Points).ToArray();
        void Set(int p, double x, double y) { xy[p * 2] = x; xy[p * 2 + 1] = y; }
        double half = shoulderWidth / 2;
        Set(0, cx, (browY + chinY) / 2);          // nose
        Set(1, cx, neckY);                          // neck
        Set(2, cx - half, neckY);                   // right shoulder (image left)
        Set(5, cx + half, neckY);                   // left shoulder
        Set(3, cx - half, neckY + shoulderWidth * 0.6);
        Set(6, cx + half, neckY + shoulderWidth * 0.6);
        Set(4, cx - half, neckY + shoulderWidth * 1.1);
        Set(7, cx + half, neckY + shoulderWidth * 1.1);
        Set(8, cx - half * 0.6, hipY);
        Set(11, cx + half * 0.6, hipY);
        for (int j = 9; j <= 17; j++) if (j != 11) Set(j, cx, hipY);
        for (int k = 0; k < 68; k++) Set(PersonPose.FaceStart + k, cx, (browY + chinY) / 2);
        for (int k = 17; k <= 26; k++) Set(PersonPose.FaceStart + k, cx + (k - 21.5) * 3, browY);
        Set(PersonPose.FaceStart + 8, cx, chinY);
        for (int k = 0; k < 21; k++)
        {
            Set(PersonPose.LeftHandStart + k, cx + half + 10, neckY + shoulderWidth * 1.2 + k);
            Set(PersonPose.RightHandStart + k, cx - half - 10, neckY + shoulderWidth * 1.2 + k);
        }
        return new PersonPose(xy, scores);
    }
}
