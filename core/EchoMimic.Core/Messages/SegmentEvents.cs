namespace EchoMimic.Core.Messages;

/// <summary>Names of the external events that carry segment results into a render orchestration.</summary>
public static class SegmentEvents
{
    public const string Prefix = "segment-";

    public static string NameFor(int segmentIndex) => Prefix + segmentIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
