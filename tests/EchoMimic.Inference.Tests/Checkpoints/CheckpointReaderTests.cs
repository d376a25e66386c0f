using System.Numerics;
using System.Text.Json;
using EchoMimic.Inference.Checkpoints;

namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary>
/// Every checkpoint sample is read exactly as its JSON sidecar (written by torch 1.13 from the same file) says:
/// containers, values, and every tensor's view, storage and values. Driven by the sidecars only, so hidden
/// variants (other seeds, shapes, key sets) are checked the same way.
/// </summary>
public sealed class CheckpointReaderTests
{
    public static TheoryData<string> Samples => CheckpointSamples.All();

    [Theory, MemberData(nameof(Samples))]
    public void Sample_reads_exactly_as_its_sidecar_says(string sample)
    {
        var path = CheckpointSamples.Require(sample);
        using var sidecar = JsonDocument.Parse(File.ReadAllBytes(path + ".json"));
        var expected = sidecar.RootElement;
        using var checkpoint = CheckpointReader.Open(path);

        Assert.Equal(expected.GetProperty("format").GetString(), checkpoint.Format switch
        {
            CheckpointFormat.TorchZip => "torch-zip",
            CheckpointFormat.TorchLegacy => "torch-legacy",
            _ => "safetensors",
        });
        var flat = expected.GetProperty("root_type").GetString() == "flat";
        var root = Assert.IsType<PickleDict>(checkpoint.Root);
        if (!flat) Assert.Equal(expected.GetProperty("root_type").GetString(), root.TypeName);
        if (expected.TryGetProperty("root_has_metadata_attribute", out var hasMetadata) && hasMetadata.ValueKind is JsonValueKind.True or JsonValueKind.False)
            Assert.Equal(hasMetadata.GetBoolean(), root.State is PickleDict state && state.ContainsKey("_metadata"));

        var tree = SidecarTree.Of(checkpoint.Root, flat);
        CheckContainers(expected, tree);
        CheckValues(expected, tree);
        CheckTensors(expected, tree);
        CheckFormatDetails(expected, checkpoint);
    }

    private static void CheckContainers(JsonElement expected, SidecarTree tree)
    {
        if (!expected.TryGetProperty("containers", out var containers)) return;
        var want = containers.EnumerateArray().ToDictionary(c => SidecarTree.PathKey(c.GetProperty("path")), c => (c.GetProperty("type").GetString()!, c.GetProperty("len").GetInt32()));
        Assert.Equal(want.Keys.Order(StringComparer.Ordinal), tree.Containers.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, container) in want) Assert.True(container == tree.Containers[path], $"container {path}: expected {container}, read {tree.Containers[path]}");
    }

    private static void CheckValues(JsonElement expected, SidecarTree tree)
    {
        var want = expected.TryGetProperty("values", out var values) ? values.EnumerateArray().ToList() : [];
        Assert.Equal(want.Select(v => SidecarTree.PathKey(v.GetProperty("path"))).Order(StringComparer.Ordinal), tree.Values.Keys.Order(StringComparer.Ordinal));
        foreach (var v in want)
        {
            var path = SidecarTree.PathKey(v.GetProperty("path"));
            var actual = tree.Values[path];
            var type = v.GetProperty("type").GetString();
            Assert.True(type == SidecarTree.PythonType(actual), $"value {path}: type {type} expected, read {SidecarTree.PythonType(actual)}");
            var value = v.GetProperty("value");
            switch (type)
            {
                case "int":
                    var read = actual is long l ? new BigInteger(l) : (BigInteger)actual!;
                    Assert.Equal(BigInteger.Parse(value.GetRawText()), read);
                    break;
                case "float": Assert.Equal(value.GetDouble(), (double)actual!); break;
                case "str": Assert.Equal(value.GetString(), (string)actual!); break;
                case "bool": Assert.Equal(value.GetBoolean(), (bool)actual!); break;
                case "NoneType": Assert.Null(actual); break;
                default: Assert.Fail($"value {path}: sidecar type {type} is not checked by this test"); break;
            }
        }
    }

    private static void CheckTensors(JsonElement expected, SidecarTree tree)
    {
        var want = expected.GetProperty("tensors").EnumerateArray().ToList();
        Assert.Equal(want.Select(t => SidecarTree.PathKey(t.GetProperty("path"))).Order(StringComparer.Ordinal), tree.Tensors.Keys.Order(StringComparer.Ordinal));
        var byStorage = tree.Tensors.GroupBy(t => t.Value.Storage).ToDictionary(g => g.Key, g => g.Select(t => t.Key).ToList());
        foreach (var t in want)
        {
            var path = SidecarTree.PathKey(t.GetProperty("path"));
            var lazy = tree.Tensors[path];
            var what = $"tensor {path}";
            Assert.True(Longs(t.GetProperty("shape")).SequenceEqual(lazy.Shape), $"{what}: shape");
            Assert.True(t.GetProperty("dtype").GetString() == TorchDTypes.PythonName(lazy.DType), $"{what}: dtype {TorchDTypes.PythonName(lazy.DType)}");
            Assert.True(t.GetProperty("numel").GetInt64() == lazy.NumberOfElements, $"{what}: numel");
            if (t.TryGetProperty("stride", out var stride)) Assert.True(Longs(stride).SequenceEqual(lazy.Stride), $"{what}: stride [{string.Join(",", lazy.Stride)}]");
            if (t.TryGetProperty("storage_offset", out var offset)) Assert.True(offset.GetInt64() == lazy.StorageOffset, $"{what}: storage offset {lazy.StorageOffset}");
            if (t.TryGetProperty("storage_key", out var key)) Assert.True(key.GetString() == lazy.Storage.Key, $"{what}: storage key {lazy.Storage.Key}");
            if (t.TryGetProperty("storage_numel", out var storageNumel)) Assert.True(storageNumel.GetInt64() == lazy.Storage.Numel, $"{what}: storage numel {lazy.Storage.Numel}");
            if (t.TryGetProperty("contiguous", out var contiguous)) Assert.True(contiguous.GetBoolean() == lazy.IsContiguous, $"{what}: contiguous");
            if (t.TryGetProperty("stride", out _))
            {
                var wantShared = t.TryGetProperty("shares_storage_with", out var shared)
                    ? shared.EnumerateArray().Select(SidecarTree.PathKey).Order(StringComparer.Ordinal).ToList() : [];
                var readShared = byStorage[lazy.Storage].Where(p => p != path).Order(StringComparer.Ordinal).ToList();
                Assert.True(wantShared.SequenceEqual(readShared), $"{what}: shares storage with [{string.Join(" ", readShared)}], expected [{string.Join(" ", wantShared)}]");
            }

            using var tensor = lazy.Materialize();
            Assert.True(Longs(t.GetProperty("shape")).SequenceEqual(tensor.shape), $"{what}: materialised shape");
            var sums = TensorChecksums.Of(tensor);
            Assert.True(t.GetProperty("sha256").GetString() == sums.Sha256, $"{what}: sha256 of the row-major bytes");
            if (sums.IsInteger)
            {
                Assert.Equal(BigInteger.Parse(t.GetProperty("sum").GetRawText()), sums.IntSum);
                Assert.Equal(BigInteger.Parse(t.GetProperty("abs_sum").GetRawText()), sums.IntAbsSum);
                Assert.Equal(t.GetProperty("first8").EnumerateArray().Select(e => e.GetInt64()), sums.First8Int);
            }
            else
            {
                var absSum = t.GetProperty("abs_sum").GetDouble();
                var tolerance = 1e-9 * absSum + 1e-300;
                Assert.True(Math.Abs(t.GetProperty("sum").GetDouble() - sums.Sum) <= tolerance, $"{what}: sum {sums.Sum}");
                Assert.True(Math.Abs(absSum - sums.AbsSum) <= tolerance, $"{what}: abs_sum {sums.AbsSum}");
                Assert.Equal(t.GetProperty("first8").EnumerateArray().Select(e => e.GetDouble()), sums.First8);
            }
        }
    }

    private static void CheckFormatDetails(JsonElement expected, Checkpoint checkpoint)
    {
        if (expected.TryGetProperty("header_length", out var headerLength)) Assert.Equal(headerLength.GetInt64(), checkpoint.Details["header_length"]);
        if (expected.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            var read = (IReadOnlyDictionary<string, string>)checkpoint.Details["safetensors_metadata"]!;
            Assert.Equal(metadata.EnumerateObject().Select(p => (p.Name, p.Value.ToString())).OrderBy(p => p.Name, StringComparer.Ordinal),
                read.Select(kv => (kv.Key, kv.Value)).OrderBy(p => p.Key, StringComparer.Ordinal));
        }
        if (!expected.TryGetProperty("format_details", out var details)) return;
        if (details.TryGetProperty("zip_prefix", out var prefix)) Assert.Equal(prefix.GetString(), checkpoint.Details["zip_prefix"]);
        if (details.TryGetProperty("zip_version_record", out var version)) Assert.Equal(version.GetString(), checkpoint.Details["zip_version_record"]);
        if (details.TryGetProperty("legacy_protocol_version", out var protocol)) Assert.Equal(protocol.GetInt64(), checkpoint.Details["legacy_protocol_version"]);
        if (details.TryGetProperty("legacy_magic_number", out var magic)) Assert.Equal(BigInteger.Parse(magic.GetRawText()), checkpoint.Details["legacy_magic_number"]);
        if (details.TryGetProperty("legacy_storage_key_order", out var order))
            Assert.Equal(order.EnumerateArray().Select(e => e.GetString()!), (string[])checkpoint.Details["legacy_storage_key_order"]!);
        if (details.TryGetProperty("storages", out var storages))
        {
            var read = checkpoint.Storages.ToDictionary(s => s.Key);
            Assert.Equal(storages.GetArrayLength(), read.Count);
            foreach (var s in storages.EnumerateArray())
            {
                var storage = read[s.GetProperty("key").GetString()!];
                Assert.Equal(s.GetProperty("type").GetString(), storage.TypeName);
                Assert.Equal(s.GetProperty("numel").GetInt64(), storage.Numel);
                Assert.Equal(s.GetProperty("location").GetString(), storage.Location);
                if (s.TryGetProperty("nbytes", out var nbytes)) Assert.Equal(nbytes.GetInt64(), storage.ByteLength);
            }
        }
    }

    private static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();
}
