using System.Buffers.Binary;
using System.Text;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>One entry of a zip central directory, with the file offset where its data starts.</summary>
internal sealed record ZipEntry(string Name, int Method, long CompressedSize, long Size, long DataStart);

/// <summary>
/// Reads a zip archive's central directory (with ZIP64 records, which <c>torch.save</c> writes for files above
/// 4 GiB) and the local headers, without reading any entry's data. System.IO.Compression hides where an entry's
/// bytes start, which a reader that seeks straight to STORED storages needs.
/// </summary>
internal static class ZipDirectory
{
    private const uint EndOfCentralDirectory = 0x06054b50;
    private const uint Zip64Locator = 0x07064b50;
    private const uint Zip64End = 0x06064b50;
    private const uint CentralHeader = 0x02014b50;
    private const uint LocalHeader = 0x04034b50;

    public static bool LooksLikeZip(CheckpointFileHandle file) =>
        file.Length >= 22 && BinaryPrimitives.ReadUInt32LittleEndian(file.ReadBytes(0, 4)) == LocalHeader;

    public static IReadOnlyList<ZipEntry> Read(CheckpointFileHandle file)
    {
        var length = file.Length;
        var tailLength = (int)Math.Min(length, 22 + 65535 + 20);
        var tail = file.ReadBytes(length - tailLength, tailLength);
        var eocd = -1;
        for (int i = tail.Length - 22; i >= 0; i--)
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndOfCentralDirectory) { eocd = i; break; }
        if (eocd < 0) throw new InvalidDataException($"{file.Path}: no zip end-of-central-directory record");

        long count = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(eocd + 10));
        long directorySize = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(eocd + 12));
        long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(eocd + 16));
        if (eocd >= 20 && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(eocd - 20)) == Zip64Locator)
        {
            var zip64EndOffset = BinaryPrimitives.ReadInt64LittleEndian(tail.AsSpan(eocd - 20 + 8));
            if (zip64EndOffset < 0 || zip64EndOffset > length - 56) throw new InvalidDataException($"{file.Path}: ZIP64 end record lies outside the file");
            var record = file.ReadBytes(zip64EndOffset, 56);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64End) throw new InvalidDataException($"{file.Path}: bad ZIP64 end record");
            count = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(32));
            directorySize = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(40));
            directoryOffset = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(48));
        }
        if (directoryOffset < 0 || directorySize < 0 || directoryOffset > length - directorySize || directorySize > int.MaxValue)
            throw new InvalidDataException($"{file.Path}: zip central directory lies outside the file");

        var directory = file.ReadBytes(directoryOffset, checked((int)directorySize));
        var entries = new List<ZipEntry>((int)Math.Min(count, 1 << 20));
        var p = 0;
        for (long e = 0; e < count; e++)
        {
            if (p > directory.Length - 46) throw new InvalidDataException($"{file.Path}: zip central directory ends inside entry {e} of {count}");
            var h = directory.AsSpan(p);
            if (BinaryPrimitives.ReadUInt32LittleEndian(h) != CentralHeader) throw new InvalidDataException($"{file.Path}: bad zip central directory entry {e}");
            int method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
            long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
            if (46 + nameLength + extraLength > h.Length) throw new InvalidDataException($"{file.Path}: zip central directory ends inside entry {e}");
            var name = Encoding.UTF8.GetString(h.Slice(46, nameLength));
            ApplyZip64Extra(h.Slice(46 + nameLength, extraLength), ref size, ref compressed, ref localOffset);
            var entry = new ZipEntry(name, method, compressed, size, DataStart(file, localOffset, name));
            CheckSizes(file, entry);
            entries.Add(entry);
            p += 46 + nameLength + extraLength + commentLength;
        }
        return entries;
    }

    /// <summary>ZIP64 extended information (id 0x0001) carries, in order, the fields stored as 0xFFFFFFFF.</summary>
    private static void ApplyZip64Extra(ReadOnlySpan<byte> extra, ref long size, ref long compressed, ref long localOffset)
    {
        while (extra.Length >= 4)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int n = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            var body = extra.Slice(4, Math.Min(n, extra.Length - 4));
            if (id == 1)
            {
                var q = 0;
                if (size == uint.MaxValue && q + 8 <= body.Length) { size = BinaryPrimitives.ReadInt64LittleEndian(body[q..]); q += 8; }
                if (compressed == uint.MaxValue && q + 8 <= body.Length) { compressed = BinaryPrimitives.ReadInt64LittleEndian(body[q..]); q += 8; }
                if (localOffset == uint.MaxValue && q + 8 <= body.Length) localOffset = BinaryPrimitives.ReadInt64LittleEndian(body[q..]);
            }
            extra = extra[Math.Min(extra.Length, 4 + n)..];
        }
    }

    /// <summary>
    /// The directory's sizes are claims: an entry's bytes must lie inside the file, a stored entry is as long as its
    /// data, and a deflated one cannot expand more than deflate's maximum ratio (1032:1), so no reader sizes a
    /// buffer from a lie.
    /// </summary>
    private static void CheckSizes(CheckpointFileHandle file, ZipEntry entry)
    {
        if (entry.CompressedSize < 0 || entry.Size < 0 || entry.DataStart > file.Length - entry.CompressedSize)
            throw new InvalidDataException($"{file.Path}: zip entry {entry.Name} runs past the end of the file");
        if (entry.Method == 0 && entry.Size != entry.CompressedSize)
            throw new InvalidDataException($"{file.Path}: stored zip entry {entry.Name} claims {entry.Size} bytes but holds {entry.CompressedSize}");
        if (entry.Method == 8 && entry.Size > entry.CompressedSize * 1032 + 1024)
            throw new InvalidDataException($"{file.Path}: zip entry {entry.Name} claims {entry.Size} bytes from {entry.CompressedSize} compressed, more than deflate can expand");
    }

    private static long DataStart(CheckpointFileHandle file, long localOffset, string name)
    {
        if (localOffset < 0 || localOffset > file.Length - 30) throw new InvalidDataException($"{file.Path}: zip entry {name} starts outside the file");
        var local = file.ReadBytes(localOffset, 30);
        if (BinaryPrimitives.ReadUInt32LittleEndian(local) != LocalHeader) throw new InvalidDataException($"{file.Path}: bad local header for zip entry {name}");
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(26));
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(28));
        return localOffset + 30 + nameLength + extraLength;
    }
}
