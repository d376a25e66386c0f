using System.Globalization;

namespace EchoMimic.Inference.DwPose;

/// <summary>One line of a framing check: what the model expects versus what the portrait shows.</summary>
public sealed record FramingLine(string Name, double Expected, double Tolerance, double? Observed, bool Ok, string Advice)
{
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"{(Ok ? "ok  " : "WARN")} {Name,-15} expected {Expected:F3} +/- {Tolerance:F3}, observed {(Observed is { } o ? o.ToString("F3", CultureInfo.InvariantCulture) : "n/a")}{(Ok ? "" : "  -> " + Advice)}");
}

/// <summary>A portrait's framing compared with <see cref="OfficialFraming"/>.</summary>
public sealed record FramingReport(IReadOnlyList<FramingLine> Lines, bool Square)
{
    public bool Aligned => Square && Lines.All(l => l.Ok);

    public static FramingReport Compare(FramingMetrics m, bool square)
    {
        var lines = new List<FramingLine>
        {
            Line("head-top margin", OfficialFraming.HeadTopY, m.HeadTopY, "the head is too close to / too far from the top edge"),
            Line("nose height", OfficialFraming.NoseY, m.NoseY, "the face sits too high / too low"),
            Line("shoulder width", OfficialFraming.ShoulderWidth, m.ShoulderWidth, "the person is too small / too large in the frame"),
            Line("neck height", OfficialFraming.NeckY, m.NeckY, "the shoulders sit too high / too low"),
            Line("centred (neck x)", OfficialFraming.NeckX, m.NeckX, "the person is not centred horizontally"),
            new("hands visible", OfficialFraming.HandsVisible, 0, m.HandsVisible, m.HandsVisible == OfficialFraming.HandsVisible,
                "the official portraits show both hands; hidden hands get invented by the model"),
        };
        return new FramingReport(lines, square);
    }

    private static FramingLine Line(string name, FramingTarget target, double? observed, string advice) =>
        new(name, target.Expected, target.Tolerance, observed, observed is { } o && target.Accepts(o), advice);
}
