using System.Buffers.Binary;
using System.Text;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// Writes a <c>torch.save</c> zip checkpoint of a state dict (an <c>OrderedDict</c> of tensors), the layout
/// torch/serialization.py <c>_save</c> produces: <c>&lt;prefix&gt;/data.pkl</c> (protocol 2), one STORED entry per
/// storage at a 64-byte aligned offset, and <c>&lt;prefix&gt;/version</c>. Storages are written as they are added,
/// so a caller can stream a GB-sized state dict one tensor at a time. Views with any strides and offsets (including
/// several tensors on one storage, or stride-0 expansions of a tiny storage) can be recorded with
/// <see cref="AddView"/>. For synthetic checkpoints (tests, <c>echomimic bench load</c>); no ZIP64, so below 4 GiB.
/// </summary>
public sealed class TorchZipWriter : IDisposable
{
    private const int Alignment = 64;
    private readonly FileStream _stream;
    private readonly string _prefix;
    private readonly List<(string Name, uint Crc, long Size, long HeaderOffset, int ExtraLength)> _entries = [];
    private readonly List<(string Key, string StorageKey, long Offset, long[] Shape, long[] Stride)> _tensors = [];
    private readonly Dictionary<string, (ScalarType DType, long Numel)> _storages = [];
    private readonly string? _stateDictKey;
    private bool _finished;

    /// <param name="path">file to create.</param>
    /// <param name="prefix">the zip's top folder (torch uses the file's base name, or "archive").</param>
    /// <param name="stateDictKey">when set, the root is a plain dict holding the state dict under this key
    /// (openai whisper's <c>{"model_state_dict": ...}</c>); otherwise the root is the state dict.</param>
    public TorchZipWriter(string path, string prefix = "archive", string? stateDictKey = null)
    {
        _prefix = prefix;
        _stateDictKey = stateDictKey;
        _stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
    }

    /// <summary>Writes a state dict, each tensor contiguous on its own storage (what <c>torch.save(module.state_dict())</c> writes).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> stateDict, string prefix = "archive")
    {
        using var writer = new TorchZipWriter(path, prefix);
        foreach (var (key, tensor) in stateDict) writer.Add(key, tensor);
        writer.Finish();
    }

    /// <summary>Adds <paramref name="tensor"/> under <paramref name="key"/> as a contiguous tensor on a storage of its own.</summary>
    public void Add(string key, Tensor tensor)
    {
        var storageKey = AddStorage(tensor);
        var shape = tensor.shape;
        AddView(key, storageKey, 0, shape, CheckpointReader.ContiguousStrides(shape));
    }

    /// <summary>Writes the row-major elements of <paramref name="data"/> as one storage; returns its key.</summary>
    public string AddStorage(Tensor data)
    {
        var storageKey = _storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var contiguous = data.contiguous();
        using var cpu = contiguous.cpu();
        var size = cpu.NumberOfElements * cpu.ElementSize;
        var crc = new Crc32();
        var (headerOffset, extraLength) = BeginEntry($"{_prefix}/data/{storageKey}", size);
        if (size > 0)
        {
            using var flat = cpu.view(-1);
            var block = Math.Max(1, (64L << 20) / cpu.ElementSize);
            for (long start = 0; start < flat.shape[0]; start += block)
            {
                using var part = flat.narrow(0, start, Math.Min(block, flat.shape[0] - start));
                var bytes = part.bytes;
                crc.Append(bytes);
                _stream.Write(bytes);
            }
        }
        EndEntry($"{_prefix}/data/{storageKey}", crc.Value, size, headerOffset, extraLength);
        _storages[storageKey] = (cpu.dtype, cpu.NumberOfElements);
        return storageKey;
    }

    /// <summary>Records a tensor as the view <c>as_strided(storage, shape, stride, offset)</c> of an added storage.</summary>
    public void AddView(string key, string storageKey, long storageOffset, long[] shape, long[] stride)
    {
        if (!_storages.ContainsKey(storageKey)) throw new ArgumentException($"no storage '{storageKey}' was added", nameof(storageKey));
        _tensors.Add((key, storageKey, storageOffset, shape, stride));
    }

    /// <summary>Writes data.pkl, version and the central directory. Called by Dispose if not called before.</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        WriteSmallEntry($"{_prefix}/data.pkl", Pickle());
        WriteSmallEntry($"{_prefix}/byteorder", Encoding.ASCII.GetBytes("little"));
        WriteSmallEntry($"{_prefix}/version", Encoding.ASCII.GetBytes("3\n"));
        WriteCentralDirectory();
        _stream.Flush();
    }

    private byte[] Pickle()
    {
        var p = new PickleWriter();
        p.Op(0x80); p.Op(2);                                          // PROTO 2
        if (_stateDictKey is not null) { p.Op((byte)'}'); p.Unicode(_stateDictKey); }  // EMPTY_DICT, key
        p.Global("collections", "OrderedDict"); p.Op((byte)')'); p.Op((byte)'R');
        if (_tensors.Count > 0) p.Op((byte)'(');                      // MARK for SETITEMS
        foreach (var (key, storageKey, offset, shape, stride) in _tensors)
        {
            var (dtype, numel) = _storages[storageKey];
            p.Unicode(key);
            p.Global("torch._utils", "_rebuild_tensor_v2");
            p.Op((byte)'(');                                          // MARK: arguments
            p.Op((byte)'(');                                          // MARK: persistent id
            p.Unicode("storage"); p.Global("torch", StorageTypeName(dtype)); p.Unicode(storageKey); p.Unicode("cpu"); p.Int(numel);
            p.Op((byte)'t'); p.Op((byte)'Q');                         // TUPLE, BINPERSID
            p.Int(offset);
            p.Ints(shape);
            p.Ints(stride);
            p.Op(0x89);                                               // NEWFALSE: requires_grad
            p.Global("collections", "OrderedDict"); p.Op((byte)')'); p.Op((byte)'R');  // backward_hooks
            p.Op((byte)'t'); p.Op((byte)'R');                         // TUPLE, REDUCE
        }
        if (_tensors.Count > 0) p.Op((byte)'u');                      // SETITEMS
        if (_stateDictKey is not null) p.Op((byte)'s');               // SETITEM on the root dict
        p.Op((byte)'.');
        return p.ToArray();
    }

    private static string StorageTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "FloatStorage",
        ScalarType.Float16 => "HalfStorage",
        ScalarType.BFloat16 => "BFloat16Storage",
        ScalarType.Float64 => "DoubleStorage",
        ScalarType.Int64 => "LongStorage",
        ScalarType.Int32 => "IntStorage",
        ScalarType.Int16 => "ShortStorage",
        ScalarType.Int8 => "CharStorage",
        ScalarType.Byte => "ByteStorage",
        ScalarType.Bool => "BoolStorage",
        _ => throw new NotSupportedException($"no torch storage type for {dtype}"),
    };

    private void WriteSmallEntry(string name, byte[] data)
    {
        var crc = new Crc32();
        crc.Append(data);
        var (headerOffset, extraLength) = BeginEntry(name, data.Length);
        _stream.Write(data);
        EndEntry(name, crc.Value, data.Length, headerOffset, extraLength);
    }

    /// <summary>Local header with a placeholder CRC and an extra field ("FB", as torch's writer uses) padding the data to 64 bytes.</summary>
    private (long HeaderOffset, int ExtraLength) BeginEntry(string name, long size)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var headerOffset = _stream.Position;
        var dataStart = headerOffset + 30 + nameBytes.Length + 4;
        var padding = (int)((Alignment - dataStart % Alignment) % Alignment);
        var extraLength = 4 + padding;
        CheckLimit(headerOffset + 30 + nameBytes.Length + extraLength + size);
        var header = new byte[30 + nameBytes.Length + extraLength];
        var h = header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 20);         // version needed
        BinaryPrimitives.WriteUInt32LittleEndian(h[18..], (uint)size); // compressed size (STORED)
        BinaryPrimitives.WriteUInt32LittleEndian(h[22..], (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(h[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)extraLength);
        nameBytes.CopyTo(h[30..]);
        BinaryPrimitives.WriteUInt16LittleEndian(h[(30 + nameBytes.Length)..], 0x4246); // "FB"
        BinaryPrimitives.WriteUInt16LittleEndian(h[(32 + nameBytes.Length)..], (ushort)padding);
        _stream.Write(header);
        return (headerOffset, extraLength);
    }

    private void EndEntry(string name, uint crc, long size, long headerOffset, int extraLength)
    {
        var end = _stream.Position;
        _stream.Position = headerOffset + 14;
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crcBytes, crc);
        _stream.Write(crcBytes);
        _stream.Position = end;
        _entries.Add((name, crc, size, headerOffset, extraLength));
    }

    private void WriteCentralDirectory()
    {
        var start = _stream.Position;
        foreach (var (name, crc, size, headerOffset, _) in _entries)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var c = new byte[46 + nameBytes.Length];
            var h = c.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(h, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 20);
            BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 20);
            BinaryPrimitives.WriteUInt32LittleEndian(h[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)size);
            BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)size);
            BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)nameBytes.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(h[42..], (uint)headerOffset);
            nameBytes.CopyTo(h[46..]);
            _stream.Write(c);
        }
        var directorySize = _stream.Position - start;
        CheckLimit(_stream.Position + 22);
        if (_entries.Count > ushort.MaxValue) throw new NotSupportedException("more than 65535 zip entries needs ZIP64, which this writer does not produce");
        var e = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(e, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(e.AsSpan(8), (ushort)_entries.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(e.AsSpan(10), (ushort)_entries.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(12), (uint)directorySize);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(16), (uint)start);
        _stream.Write(e);
    }

    private static void CheckLimit(long position)
    {
        if (position >= uint.MaxValue) throw new NotSupportedException("checkpoints of 4 GiB and more need ZIP64, which this writer does not produce");
    }

    public void Dispose()
    {
        try
        {
            Finish();
        }
        finally
        {
            _stream.Dispose();
        }
    }

    /// <summary>The handful of protocol-2 opcodes a state dict needs.</summary>
    private sealed class PickleWriter
    {
        private readonly MemoryStream _out = new();

        public void Op(byte op) => _out.WriteByte(op);

        public void Global(string module, string name)
        {
            Op((byte)'c');
            _out.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
        }

        public void Unicode(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            Op((byte)'X');
            Span<byte> n = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(n, (uint)bytes.Length);
            _out.Write(n);
            _out.Write(bytes);
        }

        public void Int(long value)
        {
            Span<byte> b = stackalloc byte[8];
            if (value >= 0 && value < 256) { Op((byte)'K'); Op((byte)value); }
            else if (value >= 0 && value < 65536) { Op((byte)'M'); BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)value); _out.Write(b[..2]); }
            else if (value >= int.MinValue && value <= int.MaxValue) { Op((byte)'J'); BinaryPrimitives.WriteInt32LittleEndian(b, (int)value); _out.Write(b[..4]); }
            else { Op(0x8a); Op(8); BinaryPrimitives.WriteInt64LittleEndian(b, value); _out.Write(b); }
        }

        public void Ints(long[] values)
        {
            Op((byte)'(');
            foreach (var v in values) Int(v);
            Op((byte)'t');
        }

        public byte[] ToArray() => _out.ToArray();
    }
}
