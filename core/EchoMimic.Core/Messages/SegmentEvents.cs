namespace EchoMimic.Core.Messages;

/// <summary>
/// Names of the external events that carry worker results into a render orchestration: <c>segment-k</c> per
/// segment, <c>prepare</c> and <c>stitch</c> for the job's stages.
/// </summary>
public static class SegmentEvents
{
    public const string Prefix = "segment-";

    public const string Prepare = "prepare";

    public const string Stitch = "stitch";

    public const string Preview = "preview";

    public static string NameFor(int segmentIndex) => Prefix + segmentIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string NameFor(WorkKind kind, int segmentIndex) => kind switch
    {
        WorkKind.Prepare => Prepare,
        WorkKind.Stitch => Stitch,
        WorkKind.Preview => Preview,
        _ => NameFor(segmentIndex),
    };
}
