using System.Numerics;
using System.Security.Cryptography;
using EchoMimic.Inference.Checkpoints;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary>
/// The sidecars' checksums of a tensor's LOGICAL values (row-major, as its shape says): float sums (compensated,
/// to stay within the 1e-9 relative tolerance of Python's exactly rounded math.fsum), exact integer sums,
/// the first 8 values and the sha256 of the row-major bytes in the tensor's own dtype.
/// </summary>
internal sealed record TensorChecksums(bool IsInteger, double Sum, double AbsSum, BigInteger IntSum, BigInteger IntAbsSum, double[] First8, long[] First8Int, string Sha256)
{
    public static TensorChecksums Of(Tensor tensor)
    {
        Assert.True(tensor.is_contiguous(), "a materialised tensor must be contiguous");
        var sha = Convert.ToHexStringLower(SHA256.HashData(tensor.NumberOfElements == 0 ? [] : tensor.bytes));
        var isInteger = !tensor.is_floating_point();
        if (isInteger)
        {
            using var asLong = tensor.to_type(ScalarType.Int64);
            var values = tensor.NumberOfElements == 0 ? [] : asLong.data<long>().ToArray();
            BigInteger sum = 0, abs = 0;
            foreach (var v in values) { sum += v; abs += BigInteger.Abs(v); }
            return new(true, 0, 0, sum, abs, [], values.Take(8).ToArray(), sha);
        }
        using var asDouble = tensor.to_type(ScalarType.Float64);
        var doubles = tensor.NumberOfElements == 0 ? [] : asDouble.data<double>().ToArray();
        return new(false, Neumaier(doubles), Neumaier(doubles.Select(Math.Abs)), 0, 0, doubles.Take(8).ToArray(), [], sha);
    }

    private static double Neumaier(IEnumerable<double> values)
    {
        double sum = 0, compensation = 0;
        foreach (var v in values)
        {
            var t = sum + v;
            compensation += Math.Abs(sum) >= Math.Abs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
        }
        return sum + compensation;
    }
}
