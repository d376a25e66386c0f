namespace EchoMimic.Inference.DwPose;

/// <summary>
/// The dict of dwpose_detector.py <c>DWposeDetector.__call__</c> for N persons, coordinates divided by the image
/// width/height (no clipping). Arrays are flat row-major with the official shapes: <see cref="BodyCandidate"/> (18N, 2),
/// <see cref="BodySubset"/> and <see cref="BodyScore"/> (N, 18), <see cref="Hands"/> (2N, 21, 2) with ALL left hands
/// first then all right hands (vstack, not interleaved), <see cref="HandsScore"/> (2N, 21), <see cref="Faces"/>
/// (N, 68, 2), <see cref="FacesScore"/> (N, 68).
/// </summary>
public sealed record DwPoseDict(
    int Persons,
    double[] BodyCandidate,
    double[] BodySubset,
    double[] BodyScore,
    double[] Hands,
    double[] HandsScore,
    double[] Faces,
    double[] FacesScore)
{
    /// <summary>Builds the official dict from whole-body poses of an image of the given size.</summary>
    public static DwPoseDict FromPersons(IReadOnlyList<PersonPose> persons, int imageHeight, int imageWidth)
    {
        int n = persons.Count;
        var candidate = new double[n * 18 * 2];
        var subset = new double[n * 18];
        var bodyScore = new double[n * 18];
        var hands = new double[2 * n * 21 * 2];
        var handsScore = new double[2 * n * 21];
        var faces = new double[n * 68 * 2];
        var facesScore = new double[n * 68];
        double w = imageWidth, h = imageHeight;
        for (int i = 0; i < n; i++)
        {
            var p = persons[i];
            for (int j = 0; j < 18; j++)
            {
                candidate[(i * 18 + j) * 2] = p.X(j) / w;
                candidate[(i * 18 + j) * 2 + 1] = p.Y(j) / h;
                subset[i * 18 + j] = p.Scores[j] > 0.3f ? 18 * i + j : -1;
                bodyScore[i * 18 + j] = p.Scores[j];
            }
            for (int k = 0; k < PersonPose.FacePoints; k++)
            {
                faces[(i * 68 + k) * 2] = p.X(PersonPose.FaceStart + k) / w;
                faces[(i * 68 + k) * 2 + 1] = p.Y(PersonPose.FaceStart + k) / h;
                facesScore[i * 68 + k] = p.Scores[PersonPose.FaceStart + k];
            }
            for (int side = 0; side < 2; side++)
            {
                int start = side == 0 ? PersonPose.LeftHandStart : PersonPose.RightHandStart;
                int row = side * n + i;
                for (int k = 0; k < PersonPose.HandPoints; k++)
                {
                    hands[(row * 21 + k) * 2] = p.X(start + k) / w;
                    hands[(row * 21 + k) * 2 + 1] = p.Y(start + k) / h;
                    handsScore[row * 21 + k] = p.Scores[start + k];
                }
            }
        }
        return new DwPoseDict(n, candidate, subset, bodyScore, hands, handsScore, faces, facesScore);
    }
}
