using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// A tensor of a checkpoint, not yet read: the view <c>as_strided(storage, Shape, Stride, StorageOffset)</c> that
/// torch/_utils.py <c>_rebuild_tensor_v2</c> would build. Shape and dtype are known without touching the data (so a
/// weights check reads only file headers); <see cref="Materialize"/> reads exactly the bytes the view covers.
/// </summary>
public sealed class LazyTensor
{
    /// <summary>Largest block copied through one span (spans are int-indexed; whole-tensor spans could overflow).</summary>
    private const long CopyBlockBytes = 256L << 20;

    public LazyTensor(TorchStorage storage, long storageOffset, long[] shape, long[] stride, bool requiresGrad = false)
    {
        if (shape.Length != stride.Length) throw new InvalidDataException($"tensor on storage '{storage.Key}': shape has {shape.Length} dims, stride {stride.Length}");
        if (shape.Any(s => s < 0) || stride.Any(s => s < 0) || storageOffset < 0)
            throw new InvalidDataException($"tensor on storage '{storage.Key}': negative size, stride or offset");
        Storage = storage;
        StorageOffset = storageOffset;
        Shape = shape;
        Stride = stride;
        RequiresGrad = requiresGrad;
        if (NumberOfElements > 0 && LastElement >= storage.Numel)
            throw new InvalidDataException($"tensor [{string.Join(",", shape)}] at offset {storageOffset} stride [{string.Join(",", stride)}] reaches element {LastElement} of storage '{storage.Key}' with {storage.Numel}");
    }

    public TorchStorage Storage { get; }
    public long StorageOffset { get; }
    public long[] Shape { get; }
    public long[] Stride { get; }
    public bool RequiresGrad { get; }
    public ScalarType DType => Storage.DType;
    public long NumberOfElements => Shape.Aggregate(1L, (a, b) => a * b);
    public long ByteLength => NumberOfElements * Storage.ElementSize;

    /// <summary>Row-major contiguous strides, as torch defines <c>is_contiguous()</c> (size-1 dims do not count).</summary>
    public bool IsContiguous
    {
        get
        {
            long expected = 1;
            for (int d = Shape.Length - 1; d >= 0; d--)
            {
                if (Shape[d] == 1) continue;
                if (Shape[d] == 0) return true;
                if (Stride[d] != expected) return false;
                expected *= Shape[d];
            }
            return true;
        }
    }

    private long LastElement => StorageOffset + Shape.Zip(Stride, (s, st) => (s - 1) * st).Sum();

    /// <summary>Reads the view into a new contiguous CPU tensor of its own dtype (no other tensor shares its memory).</summary>
    public Tensor Materialize()
    {
        var result = empty(Shape, DType);
        if (NumberOfElements == 0) return result;
        var elementSize = Storage.ElementSize;
        if (IsContiguous)
        {
            ReadInto(result, StorageOffset * elementSize);
            return result;
        }
        // A non-contiguous view (transpose, step, stride 0, channels_last) reads the storage range it spans, then
        // lets libtorch gather it: the extra memory is that one range, never the checkpoint.
        var spanElements = LastElement - StorageOffset + 1;
        using var span = empty([spanElements], DType);
        ReadInto(span, StorageOffset * elementSize);
        using var view = span.as_strided(Shape, Stride, 0);
        result.copy_(view);
        return result;
    }

    /// <summary>
    /// Copies the values into <paramref name="target"/> (same shape; any dtype and device). A contiguous view whose
    /// dtype matches a contiguous CPU target is read from the file directly into the target's memory.
    /// </summary>
    public void CopyTo(Tensor target)
    {
        if (!target.shape.SequenceEqual(Shape)) throw new ArgumentException($"target shape [{string.Join(",", target.shape)}] differs from [{string.Join(",", Shape)}]", nameof(target));
        if (NumberOfElements == 0) return;
        if (IsContiguous && target.dtype == DType && target.device.type == DeviceType.CPU && target.is_contiguous())
        {
            ReadInto(target, StorageOffset * Storage.ElementSize);
            return;
        }
        using var value = Materialize();
        using (no_grad()) target.copy_(value);
    }

    private void ReadInto(Tensor destination, long storageByteOffset)
    {
        using var flat = destination.view(-1);
        var elementSize = Storage.ElementSize;
        var blockElements = Math.Max(1, CopyBlockBytes / elementSize);
        for (long start = 0; start < flat.shape[0]; start += blockElements)
        {
            var count = Math.Min(blockElements, flat.shape[0] - start);
            using var block = flat.narrow(0, start, count);
            Storage.Read(storageByteOffset + start * elementSize, block.bytes);
        }
    }

    public override string ToString() => $"{TorchDTypes.PythonName(DType)}[{string.Join(", ", Shape)}]";
}
