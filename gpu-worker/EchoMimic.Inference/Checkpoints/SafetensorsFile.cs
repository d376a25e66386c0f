using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>One tensor record of a safetensors header.</summary>
public sealed record SafetensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

/// <summary>
/// Reads a <c>.safetensors</c> file (8-byte little-endian header length, JSON header, raw little-endian data).
/// Each tensor is read on request with a positioned read straight into a new tensor, so a caller streaming into a
/// module never holds a second full copy of the checkpoint (and the file's pages are not mapped into the process).
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly CheckpointFileHandle _file;
    private readonly long _dataStart;

    public string Path { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    public SafetensorsFile(string path)
    {
        Path = path;
        _file = new CheckpointFileHandle(path);
        try
        {
            var header = SafetensorsHeader.Read(_file);
            _dataStart = header.DataStart;
            Metadata = header.Metadata;
            Entries = header.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            _file.Dispose();
            throw CheckpointReader.Malformed(path, e);
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => Entries.ContainsKey(name);

    /// <summary>The tensor as a lazy handle (shape and dtype without reading data).</summary>
    public LazyTensor Lazy(string name)
    {
        if (!Entries.TryGetValue(name, out var entry)) throw new KeyNotFoundException($"{Path}: no tensor '{name}'");
        var numel = entry.Shape.Aggregate(1L, (a, b) => a * b);
        var storage = new TorchStorage(name, "safetensors", entry.DType, numel, "cpu", new FileRegion(_file, _dataStart + entry.Begin, entry.End - entry.Begin));
        if (storage.ByteLength != entry.End - entry.Begin)
            throw new InvalidDataException($"{Path}: tensor '{name}' holds {entry.End - entry.Begin} bytes, its shape needs {storage.ByteLength}");
        return new LazyTensor(storage, 0, entry.Shape, CheckpointReader.ContiguousStrides(entry.Shape));
    }

    /// <summary>Reads one tensor into a new CPU tensor of its stored dtype.</summary>
    public Tensor Load(string name) => Lazy(name).Materialize();

    public void Dispose() => _file.Dispose();
}
