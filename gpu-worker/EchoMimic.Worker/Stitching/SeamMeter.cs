namespace EchoMimic.Worker.Stitching;

/// <summary>
/// The seam metric: mean absolute frame-to-frame difference (0–255 scale) for frame pairs inside a seam's blend
/// region versus pairs elsewhere. A ratio near 1 means the seams move no more than the video does anyway; it is a
/// continuity check, not a quality judgement (with random weights the content itself is noise).
/// </summary>
internal sealed class SeamMeter(IReadOnlyList<int> seams, int overlap)
{
    private readonly double[] perSeamSum = new double[seams.Count];
    private readonly int[] perSeamPairs = new int[seams.Count];
    private double insideSum;
    private int insidePairs;

    /// <summary>Adds the difference between output frames <paramref name="frame"/> − 1 and <paramref name="frame"/>.</summary>
    public void Add(int frame, byte[] previous, byte[] current, int length)
    {
        long total = 0;
        for (var i = 0; i < length; i++)
        {
            total += Math.Abs(current[i] - previous[i]);
        }

        var difference = (double)total / length;
        for (var s = 0; s < seams.Count; s++)
        {
            // Pairs (f−1, f) with both frames in [b − O, b + O): the frames the blend touches.
            if (frame > seams[s] - overlap && frame < seams[s] + overlap)
            {
                perSeamSum[s] += difference;
                perSeamPairs[s]++;
                return;
            }
        }

        insideSum += difference;
        insidePairs++;
    }

    public double? MeanInside => insidePairs == 0 ? null : insideSum / insidePairs;

    public double? MeanAtSeams => perSeamPairs.Sum() == 0 ? null : perSeamSum.Sum() / perSeamPairs.Sum();

    public IReadOnlyList<double> PerSeam => perSeamSum.Select((sum, s) => perSeamPairs[s] == 0 ? 0 : sum / perSeamPairs[s]).ToArray();

    /// <summary>Null without seams or without a still-free baseline (a video that never changes has no scale).</summary>
    public double? Ratio => MeanAtSeams is { } seam && MeanInside is { } inside && inside > 0 ? seam / inside : null;
}
