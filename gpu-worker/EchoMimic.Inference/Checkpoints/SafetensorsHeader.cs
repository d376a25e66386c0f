using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>The parsed JSON header of a safetensors file; data offsets are relative to <see cref="DataStart"/>.</summary>
internal sealed record SafetensorsHeader(long DataStart, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<SafetensorsEntry> Entries)
{
    public static SafetensorsHeader Read(CheckpointFileHandle file)
    {
        var length = file.Length;
        if (length < 8) throw new InvalidDataException($"{file.Path}: too short to be a safetensors file");
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(file.ReadBytes(0, 8));
        if (headerLength <= 0 || 8 + headerLength > length || headerLength > int.MaxValue)
            throw new InvalidDataException($"{file.Path}: bad safetensors header length {headerLength}");
        var dataStart = 8 + headerLength;

        using var doc = JsonDocument.Parse(file.ReadBytes(8, (int)headerLength));
        var metadata = new Dictionary<string, string>();
        var entries = new List<SafetensorsEntry>();
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                foreach (var m in property.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString() ?? "" : m.Value.GetRawText();
                continue;
            }
            var dtype = ParseDType(property.Value.GetProperty("dtype").GetString()!, file.Path, property.Name);
            var shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[0] > offsets[1] || dataStart + offsets[1] > length)
                throw new InvalidDataException($"{file.Path}: tensor '{property.Name}' has data offsets outside the file");
            entries.Add(new SafetensorsEntry(property.Name, dtype, shape, offsets[0], offsets[1]));
        }
        return new SafetensorsHeader(dataStart, metadata, entries);
    }

    private static ScalarType ParseDType(string dtype, string path, string name) => dtype switch
    {
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "F64" => ScalarType.Float64,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new InvalidDataException($"{path}: tensor '{name}' has unsupported dtype {dtype}"),
    };
}
