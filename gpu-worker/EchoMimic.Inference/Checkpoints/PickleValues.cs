namespace EchoMimic.Inference.Checkpoints;

/// <summary>A <c>GLOBAL</c> reference ("module\nname") of a pickle, e.g. <c>collections.OrderedDict</c>.</summary>
public sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
    public override string ToString() => FullName;
}

/// <summary>
/// An object a pickle built from a callable this reader does not interpret (anything but the containers and
/// torch rebuild functions <c>torch.save</c> uses); kept so a caller can still see what was there.
/// </summary>
public sealed class PickleObject(PickleGlobal type, object?[] arguments)
{
    public PickleGlobal Type { get; } = type;
    public IReadOnlyList<object?> Arguments { get; } = arguments;
    public object? State { get; internal set; }
    public override string ToString() => $"{Type}(...)";
}

/// <summary>
/// A Python <c>dict</c> or <c>collections.OrderedDict</c> from a pickle, in insertion order (which is the order
/// <c>state_dict()</c> wrote the keys). Keys are strings, longs or other pickle values.
/// </summary>
public sealed class PickleDict : IReadOnlyCollection<KeyValuePair<object, object?>>
{
    private readonly List<KeyValuePair<object, object?>> _items = [];
    private readonly Dictionary<object, int> _index = [];

    public PickleDict(string typeName) => TypeName = typeName;

    /// <summary><c>dict</c> or <c>OrderedDict</c>.</summary>
    public string TypeName { get; }

    /// <summary>
    /// The state a <c>BUILD</c> set on the object: for a <c>module.state_dict()</c> OrderedDict that is
    /// <c>{"_metadata": OrderedDict(prefix -> {"version": n})}</c> (torch/nn/modules/module.py, state_dict).
    /// </summary>
    public object? State { get; internal set; }

    public int Count => _items.Count;

    public object? this[object key] => _items[_index[key]].Value;

    public IEnumerable<object> Keys => _items.Select(i => i.Key);

    public bool TryGetValue(object key, out object? value)
    {
        if (_index.TryGetValue(key, out var i)) { value = _items[i].Value; return true; }
        value = null;
        return false;
    }

    public bool ContainsKey(object key) => _index.ContainsKey(key);

    /// <summary>Python semantics: assigning an existing key replaces its value and keeps its position.</summary>
    internal void Set(object key, object? value)
    {
        if (_index.TryGetValue(key, out var i)) _items[i] = new(key, value);
        else
        {
            _index[key] = _items.Count;
            _items.Add(new(key, value));
        }
    }

    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

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
