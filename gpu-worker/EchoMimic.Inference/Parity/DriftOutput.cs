using System.Globalization;

namespace EchoMimic.Inference.Parity;

/// <summary>
/// One output of a half-precision run: its drift figures, and the relative-L2 bound it is held to (null: reported
/// only) with where the bound comes from.
/// </summary>
public sealed record DriftOutput(string Name, DriftFigures Figures, double? Bound, string BoundSource)
{
    public bool WithinBound => Bound is not { } b || (!double.IsNaN(Figures.RelL2) && Figures.RelL2 <= b);

    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"  {Name} rel_l2={Figures.RelL2:0.000e+0} cosine={Figures.Cosine:F6} max_abs={Figures.MaxAbs:G4} ") +
        (Bound is { } b
            ? string.Create(CultureInfo.InvariantCulture, $"bound rel_l2<={b:0.000e+0} ({BoundSource}){(WithinBound ? "" : " EXCEEDED")}")
            : $"no bound ({BoundSource})");
}
