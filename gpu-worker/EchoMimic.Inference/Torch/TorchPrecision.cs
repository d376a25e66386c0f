using EchoMimic.Core.Jobs;
using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Torch;

/// <summary>
/// <see cref="Precision"/> as torch dtypes, and the default per device: CUDA runs float16 (the official
/// <c>weight_dtype: fp16</c>); a CPU runs bfloat16 when it has native BF16 dot products (<c>avx512_bf16</c> or
/// <c>amx_bf16</c> in /proc/cpuinfo: there `bench unet --precision bf16` is the faster run within the drift bound,
/// docs/precision.md), else float32. float16 is never a CPU default: libtorch's CPU half kernels run at about
/// 1 GFLOP/s.
/// </summary>
public static class TorchPrecision
{
    /// <summary>The worker setting that overrides the device default.</summary>
    public const string Variable = "EchoMimic__Worker__Precision";

    public static ScalarType ToScalarType(this Precision precision) => precision switch
    {
        Precision.Bf16 => ScalarType.BFloat16,
        Precision.Fp16 => ScalarType.Float16,
        _ => ScalarType.Float32,
    };

    public static Precision FromScalarType(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => Precision.Bf16,
        ScalarType.Float16 => Precision.Fp16,
        _ => Precision.Fp32,
    };

    /// <summary>The default for a device, with the reason (for logs and reports).</summary>
    public static (Precision Precision, string Reason) DefaultFor(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type == DeviceType.CUDA) return (Precision.Fp16, "CUDA: float16, as the official pipeline");
        return CpuHasNativeBf16()
            ? (Precision.Bf16, "CPU with avx512_bf16: bfloat16 matrix kernels")
            : (Precision.Fp32, "CPU without native bfloat16 kernels: float32");
    }

    /// <summary>An explicit choice wins over the device default; the reason names where the choice came from.</summary>
    public static (Precision Precision, string Reason) Resolve(Precision? requested, string source, Device device) =>
        requested is { } p ? (p, source) : DefaultFor(device);

    /// <summary>Whether the CPU's flags (Linux /proc/cpuinfo) include AVX-512 BF16 or AMX BF16.</summary>
    public static bool CpuHasNativeBf16() => CpuFlags().Overlaps(["avx512_bf16", "amx_bf16"]);

    /// <summary>The flags of the first processor in /proc/cpuinfo (empty where that file is absent).</summary>
    public static IReadOnlySet<string> CpuFlags(string path = "/proc/cpuinfo")
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith("flags", StringComparison.Ordinal)) continue;
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0) continue;
                return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return new HashSet<string>(StringComparer.Ordinal);
    }
}
