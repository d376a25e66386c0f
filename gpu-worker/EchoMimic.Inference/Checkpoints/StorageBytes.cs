using System.IO.Compression;
using Microsoft.Win32.SafeHandles;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// Where one storage's raw little-endian bytes lie in a checkpoint file. Reads go straight from the file into the
/// caller's buffer with positioned reads (pread), so loading never maps or buffers the whole checkpoint: the only
/// memory a load needs besides the module is the one tensor in flight.
/// </summary>
internal abstract class StorageBytes
{
    public abstract long Length { get; }

    public abstract void Read(long offset, Span<byte> destination);
}

/// <summary>A byte range of an open file (zip STORED entry, legacy data section, safetensors data).</summary>
internal sealed class FileRegion(CheckpointFileHandle file, long start, long length) : StorageBytes
{
    public override long Length => length;

    public override void Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > length)
            throw new InvalidDataException($"{file.Path}: read of {destination.Length} bytes at {offset} runs past a {length}-byte storage");
        file.ReadExactly(start + offset, destination);
    }
}

/// <summary>
/// A DEFLATE-compressed zip entry. torch.save never compresses, but other zip writers might; each read inflates
/// from the entry's start (slow, but correct and still without a full copy).
/// </summary>
internal sealed class DeflatedRegion(CheckpointFileHandle file, long start, long compressedLength, long length) : StorageBytes
{
    public override long Length => length;

    public override void Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > length)
            throw new InvalidDataException($"{file.Path}: read of {destination.Length} bytes at {offset} runs past a {length}-byte storage");
        using var raw = new FileStream(file.Handle, FileAccess.Read) { Position = start };
        using var inflate = new DeflateStream(new BoundedStream(raw, compressedLength), CompressionMode.Decompress);
        var skip = new byte[64 * 1024];
        for (long left = offset; left > 0;)
        {
            var n = inflate.Read(skip, 0, (int)Math.Min(skip.Length, left));
            if (n == 0) throw new InvalidDataException($"{file.Path}: compressed entry ends early");
            left -= n;
        }
        inflate.ReadExactly(destination);
    }

    private sealed class BoundedStream(Stream inner, long bound) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => bound;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, (int)Math.Min(count, bound - _read));
            _read += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>An open checkpoint file shared by all its storages; reads are positioned, so it is safe to share.</summary>
internal sealed class CheckpointFileHandle(string path) : IDisposable
{
    public string Path { get; } = path;
    public SafeFileHandle Handle { get; } = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    public long Length => RandomAccess.GetLength(Handle);

    public void ReadExactly(long fileOffset, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            var n = RandomAccess.Read(Handle, destination, fileOffset);
            if (n <= 0) throw new InvalidDataException($"{Path}: file ends at {fileOffset}, before the data it declares");
            destination = destination[n..];
            fileOffset += n;
        }
    }

    public byte[] ReadBytes(long fileOffset, int count)
    {
        var buffer = new byte[count];
        ReadExactly(fileOffset, buffer);
        return buffer;
    }

    public void Dispose() => Handle.Dispose();
}

/// <summary>
/// A legacy-format storage whose data position is only known after the whole pickle and the key list are read
/// (the data section follows them, in key-list order).
/// </summary>
internal sealed class LateBoundRegion(string path, string key) : StorageBytes
{
    public StorageBytes? Target { get; set; }

    public override long Length => Bound.Length;

    public override void Read(long offset, Span<byte> destination) => Bound.Read(offset, destination);

    private StorageBytes Bound => Target ?? throw new InvalidDataException($"{path}: storage '{key}' has no data section");
}
