using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// The parsed JSON header of a safetensors file; data offsets are relative to <see cref="DataStart"/>. Every claim
/// of the header is checked against the file before anything is sized from it: the header length, each tensor's
/// dtype, shape (non-negative, its byte count without overflow) and offsets (inside the file, matching the shape,
/// no two tensors on the same bytes, as the format's specification requires).
/// </summary>
internal sealed record SafetensorsHeader(long DataStart, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<SafetensorsEntry> Entries)
{
    private static readonly JsonDocumentOptions HeaderJson = new() { AllowDuplicateProperties = false, MaxDepth = 8 };

    public static SafetensorsHeader Read(CheckpointFileHandle file)
    {
        var length = file.Length;
        if (length < 8) throw new InvalidDataException($"{file.Path}: too short to be a safetensors file");
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(file.ReadBytes(0, 8));
        if (headerLength <= 0 || headerLength > length - 8 || headerLength > int.MaxValue)
            throw new InvalidDataException($"{file.Path}: bad safetensors header length {headerLength}");
        var dataStart = 8 + headerLength;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(file.ReadBytes(8, (int)headerLength), HeaderJson);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file.Path}: safetensors header is not valid JSON ({e.Message})");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{file.Path}: safetensors header is a JSON {doc.RootElement.ValueKind}, not an object");
            var metadata = new Dictionary<string, string>();
            var entries = new List<SafetensorsEntry>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw new InvalidDataException($"{file.Path}: __metadata__ is not an object");
                    foreach (var m in property.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString() ?? "" : m.Value.GetRawText();
                    continue;
                }

                entries.Add(ReadEntry(property, file.Path, length - dataStart));
            }

            var previous = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
            for (var i = 1; i < previous.Count; i++)
            {
                if (previous[i].Begin < previous[i - 1].End)
                    throw new InvalidDataException($"{file.Path}: tensors '{previous[i - 1].Name}' and '{previous[i].Name}' overlap in the data section");
            }

            return new SafetensorsHeader(dataStart, metadata, entries);
        }
    }

    private static SafetensorsEntry ReadEntry(JsonProperty property, string path, long dataLength)
    {
        var name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}: tensor '{name}' is described by a JSON {value.ValueKind}, not an object");
        if (!value.TryGetProperty("dtype", out var dtypeText) || dtypeText.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{path}: tensor '{name}' has no dtype string");
        var dtype = ParseDType(dtypeText.GetString()!, path, name);
        var shape = Integers(value, "shape", path, name);
        var offsets = Integers(value, "data_offsets", path, name);
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[0] > offsets[1] || offsets[1] > dataLength)
            throw new InvalidDataException($"{path}: tensor '{name}' has data offsets outside the file");
        if (shape.Any(d => d < 0)) throw new InvalidDataException($"{path}: tensor '{name}' has a negative dimension in its shape");
        long bytes;
        try
        {
            bytes = checked(shape.Aggregate(1L, (a, b) => a * b) * TorchDTypes.ElementSize(dtype));
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{path}: tensor '{name}' has a shape of more bytes than a file can hold");
        }

        if (bytes != offsets[1] - offsets[0])
            throw new InvalidDataException($"{path}: tensor '{name}' holds {offsets[1] - offsets[0]} bytes, its shape needs {bytes}");
        return new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] Integers(JsonElement value, string field, string path, string name)
    {
        if (!value.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{path}: tensor '{name}' has no {field} array");
        return array.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n) ? n
                : throw new InvalidDataException($"{path}: tensor '{name}' has {field} entry {e.GetRawText()}, not an integer"))
            .ToArray();
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
