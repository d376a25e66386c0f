using System.Numerics;
using System.Text.Json;
using EchoMimic.Inference.Checkpoints;

namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary>
/// Walks a checkpoint's object tree the way the sidecars describe it: containers, non-tensor values and tensors,
/// each under its path from the root written as the sidecar writes it (a JSON array of keys and indices).
/// </summary>
internal sealed class SidecarTree
{
    public Dictionary<string, (string Type, int Length)> Containers { get; } = [];
    public Dictionary<string, object?> Values { get; } = [];
    public Dictionary<string, LazyTensor> Tensors { get; } = [];

    public static SidecarTree Of(object? root, bool flat)
    {
        var tree = new SidecarTree();
        if (flat && root is PickleDict d)
            foreach (var (k, v) in d) tree.Walk(v, [k]);
        else tree.Walk(root, []);
        return tree;
    }

    public static string PathKey(IEnumerable<object> path) => JsonSerializer.Serialize(path.Select(p => p switch
    {
        string s => (object)s,
        long l => l,
        int i => (long)i,
        _ => p.ToString()!,
    }));

    public static string PathKey(JsonElement path) => JsonSerializer.Serialize(path.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? (object)e.GetString()! : e.GetInt64()));

    private void Walk(object? node, List<object> path)
    {
        switch (node)
        {
            case PickleDict d:
                Containers[PathKey(path)] = (d.TypeName, d.Count);
                foreach (var (k, v) in d) Walk(v, [.. path, k]);
                break;
            case List<object?> list:
                Containers[PathKey(path)] = ("list", list.Count);
                for (int i = 0; i < list.Count; i++) Walk(list[i], [.. path, (long)i]);
                break;
            case PickleTuple tuple:
                Containers[PathKey(path)] = ("tuple", tuple.Count);
                for (int i = 0; i < tuple.Count; i++) Walk(tuple[i], [.. path, (long)i]);
                break;
            case LazyTensor t:
                Tensors[PathKey(path)] = t;
                break;
            default:
                Values[PathKey(path)] = node;
                break;
        }
    }

    /// <summary>The Python type name the sidecar records for a value.</summary>
    public static string PythonType(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        _ => value.GetType().Name,
    };
}
