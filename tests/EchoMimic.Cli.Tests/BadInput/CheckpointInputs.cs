using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace EchoMimic.Cli.Tests.BadInput;

/// <summary>
/// Malformed weight files: <c>.safetensors</c> with lying headers, and <c>torch.save</c> zip checkpoints
/// (<c>.pt</c> / <c>.pth</c>) whose pickle or zip directory lies or names callables a checkpoint never needs.
/// </summary>
internal static class CheckpointInputs
{
    private const string GoodEntry = "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}";

    public static IEnumerable<BadInput> Safetensors(string folder)
    {
        var n = 0;
        BadInput File(string name, byte[] bytes, string? accepted = null) => MediaInputs.Write(folder, $"weights-{n++:D3}.safetensors", name, InputKind.Checkpoint, bytes, accepted);
        BadInput Header(string name, string json, int data = 16, string? accepted = null) => File(name, Build(json, data), accepted);

        yield return Header("valid 2x2 F32", "{" + GoodEntry + "}", accepted: "the control case");
        yield return Header("valid, with __metadata__", "{\"__metadata__\":{\"format\":\"pt\"}," + GoodEntry + "}", accepted: "the metadata block is part of the format");
        yield return File("0-byte file", []);
        yield return File("7 bytes", [1, 2, 3, 4, 5, 6, 7]);
        yield return File("header length past the end", [.. Length(1 << 20), .. "{}"u8]);
        yield return File("header length negative", [.. Length(-5), .. "{}"u8]);
        yield return File("header length 2^62", [.. Length(1L << 62), .. "{}"u8]);
        yield return File("header length 0", [.. Length(0), .. "{}"u8]);
        foreach (var fraction in new[] { 0.3, 0.7, 0.95 })
        {
            var good = Build("{" + GoodEntry + "}", 16);
            yield return File($"valid file truncated to {fraction:P0}", good[..(int)(good.Length * fraction)]);
        }

        foreach (var (name, json) in new[]
                 {
                     ("header not JSON", "{not json"),
                     ("header a JSON array", "[1,2,3]"),
                     ("header a JSON string", "\"w\""),
                     ("tensor entry a number", "{\"w\":1}"),
                     ("dtype missing", "{\"w\":{\"shape\":[2,2],\"data_offsets\":[0,16]}}"),
                     ("shape missing", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,16]}}"),
                     ("data_offsets missing", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2]}}"),
                     ("dtype unknown (F8_E4M3)", "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2,8],\"data_offsets\":[0,16]}}"),
                     ("dtype unknown (XYZ)", "{\"w\":{\"dtype\":\"XYZ\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"),
                     ("dtype a number", "{\"w\":{\"dtype\":32,\"shape\":[2,2],\"data_offsets\":[0,16]}}"),
                     ("shape a string", "{\"w\":{\"dtype\":\"F32\",\"shape\":\"2x2\",\"data_offsets\":[0,16]}}"),
                     ("shape with a fraction", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5,2],\"data_offsets\":[0,16]}}"),
                     ("shape with a negative dimension", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2,-2],\"data_offsets\":[0,16]}}"),
                     ("huge shape [2^40, 2^40]", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776,1099511627776],\"data_offsets\":[0,16]}}"),
                     ("shape whose product wraps to 4 elements", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387905,4],\"data_offsets\":[0,16]}}"),
                     ("shape beyond int64", "{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,16]}}"),
                     ("offsets past the end", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,1600000]}}"),
                     ("offsets reversed", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[16,0]}}"),
                     ("offsets negative", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[-16,0]}}"),
                     ("three offsets", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,8,16]}}"),
                     ("offsets as strings", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[\"0\",\"16\"]}}"),
                     ("shape needs more bytes than the offsets give", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4,4],\"data_offsets\":[0,16]}}"),
                     ("overlapping ranges", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}"),
                     ("two tensors on the same bytes", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}"),
                     ("duplicate tensor names", "{" + GoodEntry + "," + GoodEntry + "}"),
                     ("__metadata__ not an object", "{\"__metadata__\":[1]," + GoodEntry + "}"),
                     ("100,000 nested objects", new string('{', 100_000)),
                 })
            yield return Header(name, json);
    }

    public static IEnumerable<BadInput> TorchZips(string folder)
    {
        var n = 0;
        BadInput File(string name, byte[] bytes, string extension = ".pt", string? accepted = null) =>
            MediaInputs.Write(folder, $"checkpoint-{n++:D3}{extension}", name, InputKind.Checkpoint, bytes, accepted);

        var valid = Zip(StateDict(4), Data(16));
        yield return File("valid zip state dict", valid, accepted: "the control case: what torch.save writes for {'w': 2x2 float}");
        yield return File("0-byte .pth", [], ".pth");
        yield return File("text named .pth", Encoding.ASCII.GetBytes("this is not a checkpoint"), ".pth");
        yield return File("random bytes named .bin", MediaInputs.Noise(5000), ".bin");
        foreach (var fraction in new[] { 0.2, 0.5, 0.8, 0.99 })
            yield return File($"zip truncated to {fraction:P0}", valid[..(int)(valid.Length * fraction)]);
        yield return File("zip without data.pkl", ZipOf(("archive/other.pkl", StateDict(4)), ("archive/data/0", Data(16))));
        yield return File("storage entry missing", ZipOf(("archive/data.pkl", StateDict(4)), ("archive/version", "3\n"u8.ToArray())));
        yield return File("storage smaller than its element count", Zip(StateDict(1_000_000_000), Data(16)));
        yield return File("negative element count", Zip(StateDict(-4), Data(16)));
        yield return File("pickle calling os.system", Zip(Pickle(Global("os", "system"), ("X", "echo pwned")), Data(16)));
        yield return File("pickle calling builtins.eval", Zip(Pickle(Global("builtins", "eval"), ("X", "__import__('os')")), Data(16)));
        yield return File("pickle calling subprocess.Popen", Zip(Pickle(Global("subprocess", "Popen"), ("X", "sh")), Data(16)));
        yield return File("pickle calling builtins.getattr", Zip(Pickle(Global("builtins", "getattr"), ("X", "x")), Data(16)));
        yield return File("pickle building an object by NEWOBJ of posix.system", Zip(Pickle(Global("posix", "system"), ("X", "id"), newObj: true), Data(16)));
        yield return File("pickle truncated", Zip(StateDict(4)[..20], Data(16)));
        yield return File("protocol 0 INT that is no number", Zip("I12x\n."u8.ToArray(), Data(16)));
        yield return File("protocol 0 LONG that is no number", Zip("L12.5L\n."u8.ToArray(), Data(16)));
        yield return File("protocol 0 FLOAT that is no number", Zip("F1.2.3\n."u8.ToArray(), Data(16)));
        yield return File("protocol 0 PUT with a memo key that is no number", Zip("]pabc\n."u8.ToArray(), Data(16)));
        yield return File("protocol 0 GET with a memo key of 30 digits", Zip("]p0\ng999999999999999999999999999999\n."u8.ToArray(), Data(16)));
        yield return File("pickle with BINBYTES of 2 GiB", Zip([0x80, 2, (byte)'B', 0xFF, 0xFF, 0xFF, 0x7F, 1, 2], Data(16)));
        yield return File("zip directory claiming data.pkl is 2 GiB", PatchCentralSize(valid, "archive/data.pkl", 0x7FFF_FFFF));
        yield return File("zip directory size past the end", PatchEndRecord(valid, 12, 0x7FFF_FFFF));
        yield return File("zip directory offset past the end", PatchEndRecord(valid, 16, 0x7FFF_FFF0));
        yield return File("zip claiming 65535 entries", PatchEndRecordShort(valid, 10, 0xFFFF));
        yield return File("legacy file with a wrong magic number", [0x80, 2, (byte)'K', 42, (byte)'.', .. StateDict(4)], ".pth");
    }

    private static byte[] Build(string json, int data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return [.. Length(header.Length), .. header, .. Data(data)];
    }

    private static byte[] Length(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Data(int length) => Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

    /// <summary>torch.save's pickle of {'w': tensor} over storage "0" with <paramref name="numel"/> floats (protocol 2).</summary>
    private static byte[] StateDict(long numel)
    {
        var p = new List<byte> { 0x80, 2 };
        p.AddRange(Global("collections", "OrderedDict"));
        p.AddRange([(byte)')', (byte)'R', (byte)'(']);
        p.AddRange(Str("w"));
        p.AddRange(Global("torch._utils", "_rebuild_tensor_v2"));
        p.Add((byte)'(');
        p.Add((byte)'(');
        p.AddRange(Str("storage"));
        p.AddRange(Global("torch", "FloatStorage"));
        p.AddRange(Str("0"));
        p.AddRange(Str("cpu"));
        p.Add(0x8a); // LONG1, as Python pickles an int of any size past BININT's range
        p.Add(8);
        p.AddRange(BitConverter.GetBytes(numel));
        p.AddRange([(byte)'t', (byte)'Q', (byte)'K', 0, (byte)'K', 2, (byte)'K', 2, 0x86, (byte)'K', 2, (byte)'K', 1, 0x86, 0x89]);
        p.AddRange(Global("collections", "OrderedDict"));
        p.AddRange([(byte)')', (byte)'R', (byte)'t', (byte)'R', (byte)'u', (byte)'.']);
        return [.. p];
    }

    /// <summary>A dict {'x': callable(arg)}: what a malicious pickle does to run code in Python's unpickler.</summary>
    private static byte[] Pickle(byte[] callable, (string Op, string Arg) argument, bool newObj = false)
    {
        var p = new List<byte> { 0x80, 2, (byte)'}', (byte)'(' };
        p.AddRange(Str("x"));
        p.AddRange(callable);
        p.Add((byte)'(');
        p.AddRange(Str(argument.Arg));
        p.Add((byte)'t');
        p.Add(newObj ? (byte)0x81 : (byte)'R');
        p.AddRange([(byte)'u', (byte)'.']);
        return [.. p];
    }

    private static byte[] Global(string module, string name) => Encoding.ASCII.GetBytes($"c{module}\n{name}\n");

    private static byte[] Str(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [(byte)'X', .. BitConverter.GetBytes(bytes.Length), .. bytes];
    }

    private static byte[] Zip(byte[] pickle, byte[] data) =>
        ZipOf(("archive/data.pkl", pickle), ("archive/data/0", data), ("archive/version", "3\n"u8.ToArray()));

    private static byte[] ZipOf(params (string Name, byte[] Bytes)[] entries)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                stream.Write(bytes);
            }
        }

        return output.ToArray();
    }

    private static int EndRecord(byte[] zip)
    {
        for (var i = zip.Length - 22; i >= 0; i--)
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == 0x06054b50) return i;
        throw new InvalidOperationException("no end record");
    }

    private static byte[] PatchEndRecord(byte[] zip, int field, uint value)
    {
        var copy = zip.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(EndRecord(copy) + field), value);
        return copy;
    }

    private static byte[] PatchEndRecordShort(byte[] zip, int field, ushort value)
    {
        var copy = zip.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(EndRecord(copy) + field), value);
        return copy;
    }

    /// <summary>Rewrites the uncompressed size of one entry in the central directory (and its local header).</summary>
    private static byte[] PatchCentralSize(byte[] zip, string name, uint size)
    {
        var copy = zip.ToArray();
        var target = Encoding.UTF8.GetBytes(name);
        for (var i = 0; i + 46 < copy.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(i));
            if (signature == 0x02014b50 && copy.AsSpan(i + 46, target.Length).SequenceEqual(target))
                BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(i + 24), size);
            if (signature == 0x04034b50 && i + 30 + target.Length <= copy.Length && copy.AsSpan(i + 30, target.Length).SequenceEqual(target))
                BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(i + 22), size);
        }

        return copy;
    }
}
