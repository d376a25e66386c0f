using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>The dtypes of PyTorch storage classes and dtype objects, and their Python names.</summary>
public static class TorchDTypes
{
    /// <summary>Storage class name (torch.FloatStorage ...) to dtype, as torch/storage.py defines them.</summary>
    public static ScalarType FromStorageType(string name) => name switch
    {
        "FloatStorage" => ScalarType.Float32,
        "HalfStorage" => ScalarType.Float16,
        "BFloat16Storage" => ScalarType.BFloat16,
        "DoubleStorage" => ScalarType.Float64,
        "LongStorage" => ScalarType.Int64,
        "IntStorage" => ScalarType.Int32,
        "ShortStorage" => ScalarType.Int16,
        "CharStorage" => ScalarType.Int8,
        "ByteStorage" or "UntypedStorage" => ScalarType.Byte,
        "BoolStorage" => ScalarType.Bool,
        "ComplexFloatStorage" => ScalarType.ComplexFloat32,
        "ComplexDoubleStorage" => ScalarType.ComplexFloat64,
        _ => throw new InvalidDataException($"unsupported storage type torch.{name}"),
    };

    /// <summary>A <c>torch.float16</c>-style dtype global (torch 2.x <c>_rebuild_tensor_v3</c>) to dtype.</summary>
    public static ScalarType FromDTypeName(string name) => name switch
    {
        "float32" or "float" => ScalarType.Float32,
        "float16" or "half" => ScalarType.Float16,
        "bfloat16" => ScalarType.BFloat16,
        "float64" or "double" => ScalarType.Float64,
        "int64" or "long" => ScalarType.Int64,
        "int32" or "int" => ScalarType.Int32,
        "int16" or "short" => ScalarType.Int16,
        "int8" => ScalarType.Int8,
        "uint8" => ScalarType.Byte,
        "bool" => ScalarType.Bool,
        _ => throw new InvalidDataException($"unsupported dtype torch.{name}"),
    };

    /// <summary>The Python name (<c>float32</c>, <c>float16</c>, <c>bfloat16</c>, <c>int64</c> ...) used by sidecars and manifests.</summary>
    public static string PythonName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float64 => "float64",
        ScalarType.Int64 => "int64",
        ScalarType.Int32 => "int32",
        ScalarType.Int16 => "int16",
        ScalarType.Int8 => "int8",
        ScalarType.Byte => "uint8",
        ScalarType.Bool => "bool",
        ScalarType.ComplexFloat32 => "complex64",
        ScalarType.ComplexFloat64 => "complex128",
        _ => dtype.ToString(),
    };

    public static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new InvalidDataException($"unsupported dtype {dtype}"),
    };
}
