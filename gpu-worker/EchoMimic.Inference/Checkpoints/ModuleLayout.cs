using System.Text.Json;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>One key of a module layout: what <c>state_dict()</c> holds, without values.</summary>
public sealed record LayoutKey(string Key, long[] Shape, string DType, string Kind);

/// <summary>
/// The state-dict layout of a built module in the weights manifests' JSON schema (<c>module</c>, <c>keys</c> = list
/// of <c>{key, shape, dtype, kind}</c>, <c>num_tensors</c>, <c>num_elements</c>), so it can be compared with
/// ../shared/weights-manifest/ key for key. Works on modules built on the meta device (no weights allocated).
/// </summary>
public sealed class ModuleLayout(string module, IReadOnlyList<LayoutKey> keys)
{
    public string Module { get; } = module;
    public IReadOnlyList<LayoutKey> Keys { get; } = keys;
    public long NumTensors => Keys.Count;
    public long NumElements => Keys.Sum(k => k.Shape.Aggregate(1L, (a, b) => a * b));

    /// <param name="keyPrefix">prepended to every key (a module built alone whose checkpoint keys carry its parent's name).</param>
    public static ModuleLayout Of(string name, nn.Module module, string keyPrefix = "")
    {
        var parameters = module.named_parameters().Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        var keys = module.state_dict()
            .Select(kv => new LayoutKey(keyPrefix + kv.Key, kv.Value.shape, TorchDTypes.PythonName(kv.Value.dtype), parameters.Contains(kv.Key) ? "parameter" : "buffer"))
            .ToList();
        return new ModuleLayout(name, keys);
    }

    public void WriteJson(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("module", Module);
        json.WriteStartArray("keys");
        foreach (var k in Keys)
        {
            json.WriteStartObject();
            json.WriteString("key", k.Key);
            json.WriteStartArray("shape");
            foreach (var s in k.Shape) json.WriteNumberValue(s);
            json.WriteEndArray();
            json.WriteString("dtype", k.DType);
            json.WriteString("kind", k.Kind);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNumber("num_tensors", NumTensors);
        json.WriteNumber("num_elements", NumElements);
        json.WriteEndObject();
    }

    /// <summary>
    /// Every key the manifest has and the layout lacks (except rows under <paramref name="notBuilt"/>), the reverse,
    /// and every shape or kind that differs.
    /// </summary>
    public IReadOnlyList<string> Differences(WeightsManifest manifest, ToleratedPrefix? notBuilt = null)
    {
        var mine = Keys.ToDictionary(k => k.Key, StringComparer.Ordinal);
        var theirs = manifest.Keys.ToDictionary(k => k.Key, StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var row in manifest.Keys)
        {
            if (!mine.TryGetValue(row.Key, out var k))
            {
                if (notBuilt?.Tolerates(row.Key, ToleratedDifference.Missing) != true) differences.Add($"missing {row.Key} [{string.Join(",", row.Shape)}]");
            }
            else if (!k.Shape.SequenceEqual(row.Shape)) differences.Add($"shape {row.Key} [{string.Join(",", k.Shape)}] vs manifest [{string.Join(",", row.Shape)}]");
            else if (k.Kind != row.Kind) differences.Add($"kind {row.Key} {k.Kind} vs manifest {row.Kind}");
        }
        differences.AddRange(Keys.Where(k => !theirs.ContainsKey(k.Key)).Select(k => $"unexpected {k.Key} [{string.Join(",", k.Shape)}]"));
        return differences;
    }
}
