using EchoMimic.Inference.Checkpoints;

namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary>
/// Every registered full-size module (built on the meta device, no weights allocated) has exactly the layout of its
/// weights manifest: every key and shape, parameters and buffers as the official module has them.
/// </summary>
public sealed class FullSizeLayoutTests
{
    public static TheoryData<string> Registered
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var module in FullSizeModules.All) data.Add(module.Name);
            if (data.Count == 0) data.Add("(none registered)");
            return data;
        }
    }

    [Theory, MemberData(nameof(Registered))]
    public void Full_size_layout_equals_its_manifest(string name)
    {
        var module = FullSizeModules.All.FirstOrDefault(m => m.Name == name);
        if (module is null) Assert.Skip("no full-size modules are registered in FullSizeModules.All yet");
        using var built = module.Build();
        var allocated = built.state_dict().Where(kv => kv.Value.device_type != TorchSharp.DeviceType.META).Select(kv => kv.Key).Take(5).ToList();
        Assert.True(allocated.Count == 0, $"built with allocated weights: {string.Join(", ", allocated)}");
        var layout = ModuleLayout.Of(name, built, module.KeyPrefix);
        var differences = layout.Differences(WeightsManifest.Load(name), module.NotBuilt);
        Assert.True(differences.Count == 0, $"{differences.Count} differences:{Environment.NewLine}{string.Join(Environment.NewLine, differences.Take(50))}");
    }

    [Fact]
    public void Every_manifest_has_a_registered_full_size_module()
    {
        Assert.Equal(WeightsManifest.Modules.Order(StringComparer.Ordinal), FullSizeModules.All.Select(m => m.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Layout_json_uses_the_manifest_schema()
    {
        using var module = TorchSharp.torch.nn.Sequential(("0", TorchSharp.torch.nn.Linear(3, 2)), ("1", TorchSharp.torch.nn.BatchNorm1d(2)));
        var layout = ModuleLayout.Of("tiny", module);
        using var stream = new MemoryStream();
        layout.WriteJson(stream);
        stream.Position = 0;
        var parsed = WeightsManifest.Parse(new MemoryStream(InjectSource(stream.ToArray())));
        Assert.Equal("tiny", parsed.Module);
        Assert.Equal(layout.NumTensors, parsed.NumTensors);
        Assert.Equal(2 * 3 + 2 + 2 + 2 + 2 + 2 + 1, parsed.NumElements);
        Assert.Equal("parameter", parsed.Keys.Single(k => k.Key == "0.weight").Kind);
        Assert.Equal("buffer", parsed.Keys.Single(k => k.Key == "1.running_mean").Kind);
        Assert.Equal([2L, 3L], parsed.Keys.Single(k => k.Key == "0.weight").Shape);
    }

    /// <summary>Layouts have no <c>source</c> (only manifests do); add one so the manifest parser can read the layout back.</summary>
    private static byte[] InjectSource(byte[] json) =>
        System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(json).Replace("\"kind\":", "\"source\": \"-\", \"kind\":", StringComparison.Ordinal));
}
