using EchoMimic.Core;
using System.Buffers.Binary;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// Opens PyTorch checkpoints (<c>.pth</c>, <c>.pt</c>, <c>.bin</c>, <c>.ckpt</c>) in either <c>torch.save</c>
/// container, and safetensors files, without Python. Mirrors torch/serialization.py <c>torch.load</c>: the zip
/// container's <c>data.pkl</c> or the legacy format's five pickles are unpickled by <see cref="PickleMachine"/>,
/// storages become <see cref="TorchStorage"/> records pointing into the file, and tensors are rebuilt as lazy
/// <c>as_strided</c> views (<see cref="LazyTensor"/>). A file that does not parse is an <see cref="InputException"/>
/// naming it.
/// </summary>
public static class CheckpointReader
{
    /// <summary>torch/serialization.py MAGIC_NUMBER, the first pickle of a legacy file.</summary>
    public static readonly System.Numerics.BigInteger LegacyMagic = System.Numerics.BigInteger.Parse("119547037146038801333356");

    public static Checkpoint Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        var file = new CheckpointFileHandle(path);
        try
        {
            if (ZipDirectory.LooksLikeZip(file)) return OpenZip(file);
            if (LooksLikeSafetensors(file)) return OpenSafetensors(file);
            return OpenLegacy(file);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            file.Dispose();
            throw Malformed(path, e);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A file that is not what its header claims is the user's input error: one message naming the file.</summary>
    internal static InputException Malformed(string path, Exception e)
    {
        var problem = e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;
        return new InputException(path, $"malformed checkpoint: {problem}");
    }

    private static Checkpoint OpenZip(CheckpointFileHandle file)
    {
        var entries = ZipDirectory.Read(file);
        // The top folder is the file's base name, "archive", or anything else a writer chose: find data.pkl.
        var pickle = entries.FirstOrDefault(e => e.Name.EndsWith("/data.pkl", StringComparison.Ordinal) || e.Name == "data.pkl")
            ?? throw new InvalidDataException($"{file.Path}: zip archive without a data.pkl entry, not a torch.save file");
        var prefix = pickle.Name[..^"data.pkl".Length];
        var byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var storages = new Dictionary<string, TorchStorage>(StringComparer.Ordinal);

        var root = Unpickle(ReadEntry(file, pickle), 0, out _, record =>
        {
            var (typeName, key, location, numel, _) = ParseStorageRecord(record, file.Path);
            if (storages.TryGetValue(key, out var known)) return known;
            if (!byName.TryGetValue(prefix + "data/" + key, out var entry))
                throw new InvalidDataException($"{file.Path}: storage '{key}' has no entry {prefix}data/{key}");
            var storage = new TorchStorage(key, typeName, TorchDTypes.FromStorageType(typeName), numel, location, EntryBytes(file, entry));
            if (entry.Size < storage.ByteLength)
                throw new InvalidDataException($"{file.Path}: entry {entry.Name} holds {entry.Size} bytes, storage {typeName}[{numel}] needs {storage.ByteLength}");
            return storages[key] = storage;
        });

        var details = new Dictionary<string, object?>
        {
            ["zip_prefix"] = prefix.TrimEnd('/'),
            ["zip_entries"] = entries.Select(e => e.Name).ToArray(),
            ["zip_version_record"] = byName.TryGetValue(prefix + "version", out var version) ? System.Text.Encoding.ASCII.GetString(ReadEntry(file, version)).Trim() : null,
        };
        return new Checkpoint(file, CheckpointFormat.TorchZip, root, storages.Values.ToList(), details);
    }

    private static Checkpoint OpenLegacy(CheckpointFileHandle file)
    {
        // The five pickles are small next to the data that follows; read a growing head until they all parse.
        var headLength = (int)Math.Min(file.Length, 1 << 20);
        while (true)
        {
            var head = file.ReadBytes(0, headLength);
            try
            {
                return ParseLegacy(file, head);
            }
            catch (EndOfStreamException) when (headLength < file.Length)
            {
                headLength = (int)Math.Min(file.Length, Math.Min((long)headLength * 4, int.MaxValue));
            }
        }
    }

    private static Checkpoint ParseLegacy(CheckpointFileHandle file, byte[] head)
    {
        var position = 0;
        var magic = Unpickle(head, position, out position, NoPersistentIds(file));
        if (magic is not System.Numerics.BigInteger m || m != LegacyMagic)
            throw new InvalidDataException($"{file.Path}: neither a zip archive, a safetensors file nor a legacy torch.save file (no magic number)");
        var protocol = Unpickle(head, position, out position, NoPersistentIds(file));
        if (protocol is not 1001L) throw new InvalidDataException($"{file.Path}: legacy protocol version {protocol}, expected 1001");
        var sysInfo = Unpickle(head, position, out position, NoPersistentIds(file)) as PickleDict;
        if (sysInfo is not null && sysInfo.TryGetValue("little_endian", out var little) && little is false)
            throw new InvalidDataException($"{file.Path}: big-endian legacy checkpoint is not supported");

        var storages = new Dictionary<string, TorchStorage>(StringComparer.Ordinal);
        var slots = new Dictionary<string, LateBoundRegion>(StringComparer.Ordinal);
        var root = Unpickle(head, position, out position, record =>
        {
            var (typeName, key, location, numel, view) = ParseStorageRecord(record, file.Path);
            if (!storages.TryGetValue(key, out var storage))
            {
                var slot = new LateBoundRegion(file.Path, key);
                slots[key] = slot;
                storage = storages[key] = new TorchStorage(key, typeName, TorchDTypes.FromStorageType(typeName), numel, location, slot);
            }
            // Very old files record storage views as (view_key, offset, size) on a root storage.
            if (view is PickleTuple { Count: 3 } v && v[1] is long offset && v[2] is long size)
                return new TorchStorage(v[0]?.ToString() ?? key, storage.TypeName, storage.DType, size, storage.Location, storage.Bytes, offset * storage.ElementSize);
            return storage;
        });
        var keyList = Unpickle(head, position, out position, NoPersistentIds(file)) as List<object?>
            ?? throw new InvalidDataException($"{file.Path}: legacy storage key list missing");

        // Data section: for each key in the LIST's order, int64 element count then the raw bytes.
        long offset = position;
        var order = new List<string>();
        foreach (var k in keyList)
        {
            var key = k?.ToString() ?? throw new InvalidDataException($"{file.Path}: null storage key");
            if (!storages.TryGetValue(key, out var storage))
                throw new InvalidDataException($"{file.Path}: storage '{key}' in the key list is not used by any tensor, its element size is unknown");
            var count = BinaryPrimitives.ReadInt64LittleEndian(file.ReadBytes(offset, 8));
            if (count != storage.Numel) throw new InvalidDataException($"{file.Path}: storage '{key}' has {count} elements in the data section, {storage.Numel} in the pickle");
            var length = count * storage.ElementSize;
            if (offset + 8 + length > file.Length) throw new InvalidDataException($"{file.Path}: storage '{key}' runs past the end of the file");
            slots[key].Target = new FileRegion(file, offset + 8, length);
            offset += 8 + length;
            order.Add(key);
        }
        var unresolved = slots.Where(s => s.Value.Target is null).Select(s => s.Key).ToList();
        if (unresolved.Count > 0) throw new InvalidDataException($"{file.Path}: storages without data: {string.Join(", ", unresolved)}");

        var details = new Dictionary<string, object?>
        {
            ["legacy_magic_number"] = magic,
            ["legacy_protocol_version"] = protocol,
            ["legacy_sys_info"] = sysInfo,
            ["legacy_storage_key_order"] = order.ToArray(),
        };
        return new Checkpoint(file, CheckpointFormat.TorchLegacy, root, storages.Values.ToList(), details);
    }

    private static Checkpoint OpenSafetensors(CheckpointFileHandle file)
    {
        var header = SafetensorsHeader.Read(file);
        var root = new PickleDict("flat");
        var storages = new List<TorchStorage>();
        foreach (var entry in header.Entries.OrderBy(e => e.Begin))
        {
            var numel = entry.Shape.Aggregate(1L, (a, b) => a * b);
            var storage = new TorchStorage(entry.Name, "safetensors", entry.DType, numel, "cpu", new FileRegion(file, header.DataStart + entry.Begin, entry.End - entry.Begin));
            if (storage.ByteLength != entry.End - entry.Begin)
                throw new InvalidDataException($"{file.Path}: tensor '{entry.Name}' holds {entry.End - entry.Begin} bytes, its shape needs {storage.ByteLength}");
            storages.Add(storage);
            root.Set(entry.Name, new LazyTensor(storage, 0, entry.Shape, ContiguousStrides(entry.Shape)));
        }
        var details = new Dictionary<string, object?> { ["safetensors_metadata"] = header.Metadata, ["header_length"] = header.DataStart - 8 };
        return new Checkpoint(file, CheckpointFormat.Safetensors, root, storages, details);
    }

    public static long[] ContiguousStrides(long[] shape)
    {
        var stride = new long[shape.Length];
        long s = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            stride[d] = s;
            s *= Math.Max(shape[d], 1);
        }
        return stride;
    }

    private static bool LooksLikeSafetensors(CheckpointFileHandle file)
    {
        if (file.Length < 10) return false;
        var head = file.ReadBytes(0, 9);
        var length = BinaryPrimitives.ReadInt64LittleEndian(head);
        return length > 0 && 8 + length <= file.Length && head[8] == (byte)'{';
    }

    private static object? Unpickle(byte[] data, int start, out int end, Func<PickleTuple, object?> persistentLoad)
    {
        var machine = new PickleMachine(persistentLoad, TorchRebuild.Reduce);
        var position = start;
        var value = machine.Load(data, ref position);
        end = position;
        return value;
    }

    private static Func<PickleTuple, object?> NoPersistentIds(CheckpointFileHandle file) =>
        _ => throw new InvalidDataException($"{file.Path}: persistent id outside the main pickle");

    /// <summary>torch/serialization.py persistent_id: ("storage", storage type, key, location, numel[, view metadata]).</summary>
    private static (string TypeName, string Key, string Location, long Numel, object? View) ParseStorageRecord(PickleTuple record, string path)
    {
        if (record.Count < 5 || record[0] is not "storage")
            throw new InvalidDataException($"{path}: unsupported persistent id ({string.Join(", ", record)})");
        var typeName = record[1] switch
        {
            PickleGlobal g => g.Name,
            string s => s,
            var other => throw new InvalidDataException($"{path}: storage type {other} is not a class"),
        };
        var key = record[2]?.ToString() ?? throw new InvalidDataException($"{path}: storage without key");
        var numel = record[4] is long n ? n : throw new InvalidDataException($"{path}: storage '{key}' without element count");
        return (typeName, key, record[3]?.ToString() ?? "cpu", numel, record.Count > 5 ? record[5] : null);
    }

    private static byte[] ReadEntry(CheckpointFileHandle file, ZipEntry entry)
    {
        var bytes = new byte[checked((int)entry.Size)];
        EntryBytes(file, entry).Read(0, bytes);
        return bytes;
    }

    private static StorageBytes EntryBytes(CheckpointFileHandle file, ZipEntry entry) => entry.Method switch
    {
        0 => new FileRegion(file, entry.DataStart, entry.Size),
        8 => new DeflatedRegion(file, entry.DataStart, entry.CompressedSize, entry.Size),
        _ => throw new InvalidDataException($"{file.Path}: zip entry {entry.Name} uses compression method {entry.Method}"),
    };
}
