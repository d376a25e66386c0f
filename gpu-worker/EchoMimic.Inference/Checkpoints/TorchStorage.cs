using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// One storage of a <c>torch.save</c> file: a flat array of <see cref="Numel"/> elements of <see cref="DType"/>,
/// written once and whole (torch/serialization.py, <c>persistent_id</c>). Tensors are views on it; tensors of one
/// storage share this object, as they share the storage in PyTorch.
/// </summary>
public sealed class TorchStorage
{
    internal TorchStorage(string key, string typeName, ScalarType dtype, long numel, string location, StorageBytes? bytes, long byteOffset = 0)
    {
        Key = key;
        TypeName = typeName;
        DType = dtype;
        Numel = numel;
        Location = location;
        Bytes = bytes;
        ByteOffset = byteOffset;
    }

    /// <summary>The record's key: the zip entry name under <c>data/</c>, or the legacy format's key (a memory address).</summary>
    public string Key { get; }

    /// <summary>The storage class named by the pickle, e.g. <c>FloatStorage</c>.</summary>
    public string TypeName { get; }

    public ScalarType DType { get; }

    public long Numel { get; }

    /// <summary>The device the storage was saved from (<c>cpu</c>, <c>cuda:0</c>); the reader always loads to CPU.</summary>
    public string Location { get; }

    public int ElementSize => TorchDTypes.ElementSize(DType);

    public long ByteLength => Numel * ElementSize;

    internal StorageBytes? Bytes { get; set; }

    /// <summary>Start of this storage inside <see cref="Bytes"/> (non-zero only for legacy view records and retyped untyped storages).</summary>
    internal long ByteOffset { get; }

    internal void Read(long byteOffset, Span<byte> destination)
    {
        var bytes = Bytes ?? throw new InvalidDataException($"storage '{Key}' has no data in the file");
        bytes.Read(ByteOffset + byteOffset, destination);
    }

    /// <summary>The same bytes seen as another dtype (torch 2.x <c>_rebuild_tensor_v3</c> on an untyped storage).</summary>
    internal TorchStorage As(ScalarType dtype)
    {
        if (dtype == DType) return this;
        var size = TorchDTypes.ElementSize(dtype);
        return new TorchStorage(Key, TypeName, dtype, ByteLength / size, Location, Bytes, ByteOffset);
    }

    public override string ToString() => $"{TypeName}[{Numel}] '{Key}'";
}
