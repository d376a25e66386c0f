namespace EchoMimic.Inference.DwPose;

/// <summary>One framing quantity the model expects: the value and the tolerance within which a portrait counts as aligned.</summary>
public readonly record struct FramingTarget(double Expected, double Tolerance)
{
    public bool Accepts(double observed) => Math.Abs(observed - Expected) <= Tolerance;
}

/// <summary>
/// The framing of the official EchoMimicV2 demo portraits and gestures, in normalised coordinates of the square
/// frame. Measured (<c>echomimic ref measure ../shared/samples/echomimicv2/pose/*</c>, docs/gestures.md) as the median
/// over the 8 official pose sequences (1511 frames; assets/halfbody_demo/pose/) of each sequence's per-frame median;
/// the demo portraits (refimag/natural_bk_openhand) are made to match these sequences. Tolerance = the largest
/// deviation of one sequence's median from the overall median, rounded up to 0.005 (at least 0.02).
/// </summary>
public static class OfficialFraming
{
    /// <summary>Top of the head (brow line minus half the brow-chin height): sequences 0.034..0.071.</summary>
    public static readonly FramingTarget HeadTopY = new(0.048, 0.025);

    /// <summary>Nose height: sequences 0.180..0.226.</summary>
    public static readonly FramingTarget NoseY = new(0.192, 0.035);

    /// <summary>Neck (shoulder midpoint) x: every sequence is centred, 0.498..0.501 (EMTD crops around the person).</summary>
    public static readonly FramingTarget NeckX = new(0.500, 0.020);

    /// <summary>Neck height: sequences 0.418..0.498.</summary>
    public static readonly FramingTarget NeckY = new(0.461, 0.045);

    /// <summary>Shoulder keypoint distance in frame widths: sequences 0.399..0.524 (sequence 04 is the wide one).</summary>
    public static readonly FramingTarget ShoulderWidth = new(0.415, 0.110);

    /// <summary>Both hands are visible in every demo portrait (the natural_bk_openhand set).</summary>
    public const int HandsVisible = 2;

    /// <summary>Hips lie just below the frame (sequences 1.00..1.10): half-body framing.</summary>
    public const double HipY = 1.047;
}
