namespace EchoMimic.Inference.Checkpoints;

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
