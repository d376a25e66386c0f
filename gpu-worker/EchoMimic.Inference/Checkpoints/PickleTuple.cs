namespace EchoMimic.Inference.Checkpoints;

/// <summary>A Python tuple from a pickle (lists are <see cref="List{T}"/> of object).</summary>
public sealed class PickleTuple(object?[] items) : IReadOnlyList<object?>
{
    public static readonly PickleTuple Empty = new([]);

    private readonly object?[] _items = items;

    public int Count => _items.Length;

    public object? this[int index] => _items[index];

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
