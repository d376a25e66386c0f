using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// An open checkpoint: the unpickled object tree (<see cref="PickleDict"/>, lists, <see cref="PickleTuple"/>,
/// long/BigInteger, double, string, bool, null) whose tensors are <see cref="LazyTensor"/> handles. Nothing but the
/// pickle has been read; tensors are read one at a time when materialised. Keep it open while tensors are read.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    private readonly CheckpointFileHandle _file;

    internal Checkpoint(CheckpointFileHandle file, CheckpointFormat format, object? root, IReadOnlyList<TorchStorage> storages, IReadOnlyDictionary<string, object?> details)
    {
        _file = file;
        Format = format;
        Root = root;
        Storages = storages;
        Details = details;
    }

    public string Path => _file.Path;
    public CheckpointFormat Format { get; }
    public object? Root { get; }
    public IReadOnlyList<TorchStorage> Storages { get; }

    /// <summary>Container facts: <c>zip_prefix</c>, <c>legacy_protocol_version</c>, <c>legacy_storage_key_order</c>, <c>safetensors_metadata</c> ...</summary>
    public IReadOnlyDictionary<string, object?> Details { get; }

    /// <summary>
    /// The value at <paramref name="path"/> (dict keys and list indices from the root), e.g.
    /// <c>At("model_state_dict")</c> for openai whisper's <c>tiny.pt</c>.
    /// </summary>
    public object? At(params object[] path)
    {
        object? node = Root;
        var walked = new List<string>();
        foreach (var step in path)
        {
            walked.Add(step.ToString() ?? "");
            node = node switch
            {
                PickleDict d when d.TryGetValue(step is int i ? (long)i : step, out var v) => v,
                IReadOnlyList<object?> list when step is int i && i >= 0 && i < list.Count => list[i],
                _ => throw new InvalidDataException($"{Path}: no entry [{string.Join("][", walked)}]"),
            };
        }
        return node;
    }

    /// <summary>
    /// The tensors of the state dict at <paramref name="path"/> (the root when empty), lazily, in file order.
    /// Every value must be a tensor: a state dict holds nothing else.
    /// </summary>
    public IEnumerable<KeyValuePair<string, LazyTensor>> LazyStateDict(params object[] path)
    {
        var node = At(path) as PickleDict
            ?? throw new InvalidDataException($"{Path}: [{string.Join("][", path)}] is not a dict, so not a state dict");
        foreach (var (key, value) in node)
        {
            if (value is not LazyTensor tensor)
                throw new InvalidDataException($"{Path}: state dict entry '{key}' is a {value?.GetType().Name ?? "None"}, not a tensor");
            yield return new(key.ToString()!, tensor);
        }
    }

    /// <summary>
    /// The state dict at <paramref name="path"/> as materialised tensors, one at a time: each is read when the
    /// enumeration reaches it and belongs to the consumer (<see cref="StateDictLoader"/> disposes it after copying).
    /// </summary>
    public IEnumerable<KeyValuePair<string, Tensor>> StateDict(params object[] path) =>
        LazyStateDict(path).Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.Materialize()));

    public void Dispose() => _file.Dispose();
}
