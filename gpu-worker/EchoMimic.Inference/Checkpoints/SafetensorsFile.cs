using System.IO.MemoryMappedFiles;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>One tensor record of a safetensors header.</summary>
public sealed record SafetensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

/// <summary>
/// Reads a <c>.safetensors</c> file (8-byte little-endian header length, JSON header, raw little-endian data).
/// The file is memory-mapped; each tensor is copied out on request, so a caller streaming into a module never
/// holds a second full copy of the checkpoint.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long _dataStart;

    public string Path { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    public SafetensorsFile(string path)
    {
        Path = path;
        var length = new FileInfo(path).Length;
        if (length < 8) throw new InvalidDataException($"{path}: too short to be a safetensors file");
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        var headerLength = _view.ReadInt64(0);
        if (headerLength <= 0 || 8 + headerLength > length) throw new InvalidDataException($"{path}: bad safetensors header length {headerLength}");
        var header = new byte[headerLength];
        _view.ReadArray(8, header, 0, header.Length);
        _dataStart = 8 + headerLength;

        using var doc = JsonDocument.Parse(header);
        var metadata = new Dictionary<string, string>();
        var entries = new Dictionary<string, SafetensorsEntry>();
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                foreach (var m in property.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                continue;
            }
            var dtype = ParseDType(property.Value.GetProperty("dtype").GetString()!, path, property.Name);
            var shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] > offsets[1] || _dataStart + offsets[1] > length)
                throw new InvalidDataException($"{path}: tensor '{property.Name}' has data offsets outside the file");
            entries[property.Name] = new SafetensorsEntry(property.Name, dtype, shape, offsets[0], offsets[1]);
        }
        Metadata = metadata;
        Entries = entries;
    }

    public bool Contains(string name) => Entries.ContainsKey(name);

    /// <summary>Copies one tensor out of the mapped file into a new CPU tensor of its stored dtype.</summary>
    public Tensor Load(string name)
    {
        if (!Entries.TryGetValue(name, out var entry)) throw new KeyNotFoundException($"{Path}: no tensor '{name}'");
        var tensor = empty(entry.Shape, entry.DType);
        var byteCount = entry.End - entry.Begin;
        if (byteCount != tensor.NumberOfElements * tensor.ElementSize)
            throw new InvalidDataException($"{Path}: tensor '{name}' holds {byteCount} bytes, its shape needs {tensor.NumberOfElements * tensor.ElementSize}");
        if (byteCount > 0) CopyBytes(_dataStart + entry.Begin, tensor.bytes);
        return tensor;
    }

    private unsafe void CopyBytes(long offset, Span<byte> destination)
    {
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            new ReadOnlySpan<byte>(pointer + _view.PointerOffset + offset, destination.Length).CopyTo(destination);
        }
        finally
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
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

    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }
}
