using static TorchSharp.torch;

namespace EchoMimic.Inference.Jobs;

/// <summary>
/// A float32 tensor as a blob (the reference latents a job prepares once): "EMTS", int32 version, int32 rank,
/// int64 dims, then the values little-endian. Written by the Prepare activity, read by every segment.
/// </summary>
public static class TensorBlob
{
    private const int FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "EMTS"u8;

    public static byte[] ToBytes(Tensor tensor)
    {
        using var data = tensor.to_type(ScalarType.Float32).cpu().contiguous();
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write((int)data.dim());
            foreach (var size in data.shape) writer.Write(size);
            writer.Write(data.bytes);
        }

        return buffer.ToArray();
    }

    public static Tensor FromBytes(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != FormatVersion)
        {
            throw new InvalidDataException("not an EchoMimic tensor blob (version 1)");
        }

        var shape = new long[reader.ReadInt32()];
        for (var i = 0; i < shape.Length; i++) shape[i] = reader.ReadInt64();
        var result = empty(shape, ScalarType.Float32);
        var values = reader.ReadBytes(checked((int)(result.NumberOfElements * 4)));
        if (values.Length != result.NumberOfElements * 4)
        {
            result.Dispose();
            throw new InvalidDataException("tensor blob is truncated");
        }

        values.CopyTo(result.bytes);
        return result;
    }
}
