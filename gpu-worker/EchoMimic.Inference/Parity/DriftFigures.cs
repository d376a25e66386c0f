using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity;

/// <summary>
/// How far an output moved from the float32 expected values, as fixtures/precision/README.md measures the official
/// code: relative L2 ‖a − e‖ / ‖e‖ and cosine (both in float64), and max |a − e|.
/// </summary>
public sealed record DriftFigures(double RelL2, double Cosine, double MaxAbs)
{
    public static DriftFigures Measure(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var a = actual.detach().cpu().to_type(ScalarType.Float64).flatten();
        var e = expected.to_type(ScalarType.Float64).flatten();
        var diff = a - e;
        double norm = e.norm().item<double>();
        double relL2 = norm == 0 ? diff.norm().item<double>() : diff.norm().item<double>() / norm;
        double denominator = a.norm().item<double>() * norm;
        double cosine = denominator == 0 ? (a.norm().item<double>() == norm ? 1 : 0) : a.dot(e).item<double>() / denominator;
        double maxAbs = diff.NumberOfElements == 0 ? 0 : diff.abs().max().item<double>();
        return new DriftFigures(relL2, cosine, maxAbs);
    }
}
