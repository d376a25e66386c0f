namespace EchoMimic.Inference.DwPose;

/// <summary>
/// onnxpose.py <c>postprocess</c> / <c>decode</c> / <c>get_simcc_maximum</c> for one person: first argmax per axis,
/// score = min of the two maxima (the raw SimCC value, not a probability), location -1 where score &lt;= 0 (set
/// BEFORE the /2 and the rescale, so such points are ordinary points just outside the crop), then back to pixels.
/// </summary>
public static class SimccDecoder
{
    public const int Keypoints = 133;
    public const double SplitRatio = 2.0;

    /// <summary>Returns 133 (x, y) in image pixels and the 133 scores.</summary>
    public static (double[] Xy, float[] Scores) Decode(ReadOnlySpan<float> simccX, ReadOnlySpan<float> simccY, double centerX, double centerY, double scaleW, double scaleH)
    {
        int binsX = simccX.Length / Keypoints, binsY = simccY.Length / Keypoints;
        var xy = new double[Keypoints * 2];
        var scores = new float[Keypoints];
        for (int k = 0; k < Keypoints; k++)
        {
            var (locX, maxX) = ArgMax(simccX.Slice(k * binsX, binsX));
            var (locY, maxY) = ArgMax(simccY.Slice(k * binsY, binsY));
            float score = maxX > maxY ? maxY : maxX;
            float fx = locX, fy = locY;
            if (score <= 0f) { fx = -1; fy = -1; }
            // locs are float32 in the official code; /2 stays float32, then float64 from the division by the int size.
            fx = (float)(fx / SplitRatio);
            fy = (float)(fy / SplitRatio);
            xy[k * 2] = fx / (double)PoseCrop.InputWidth * scaleW + centerX - scaleW / 2;
            xy[k * 2 + 1] = fy / (double)PoseCrop.InputHeight * scaleH + centerY - scaleH / 2;
            scores[k] = score;
        }
        return (xy, scores);
    }

    private static (int Index, float Value) ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return (best, values[best]);
    }
}
