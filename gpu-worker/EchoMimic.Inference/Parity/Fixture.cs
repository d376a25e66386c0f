using System.Text.Json;
using EchoMimic.Inference.Checkpoints;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity;

/// <summary>
/// A golden fixture (<c>echomimic-fixture/1</c>, see fixtures/FORMAT.md): one safetensors file whose metadata names
/// the component, its config, inputs, outputs and tolerances, and whose tensors are <c>param.*</c>,
/// <c>input.*</c> and <c>output.*</c>.
/// </summary>
public sealed class Fixture : IDisposable
{
    private readonly SafetensorsFile _file;

    public string Path => _file.Path;
    public string Component { get; }
    public JsonElement Config { get; }
    public IReadOnlyList<string> Inputs { get; }
    public IReadOnlyList<string> Outputs { get; }
    public string Notes { get; }
    public long Seed { get; }
    public IReadOnlyDictionary<string, string> Metadata => _file.Metadata;

    private Fixture(SafetensorsFile file, string component)
    {
        _file = file;
        Component = component;
        Config = ParseJson(file.Metadata, "config", "{}");
        Inputs = ParseJson(file.Metadata, "inputs", "[]").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Outputs = ParseJson(file.Metadata, "outputs", "[]").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Notes = file.Metadata.GetValueOrDefault("notes", "");
        Seed = long.TryParse(file.Metadata.GetValueOrDefault("seed"), out var seed) ? seed : 0;
    }

    /// <summary>Opens a fixture; returns null for safetensors files without a <c>component</c> (plain checkpoints).</summary>
    public static Fixture? TryOpen(string path)
    {
        var file = new SafetensorsFile(path);
        if (!file.Metadata.TryGetValue("component", out var component) || string.IsNullOrEmpty(component))
        {
            file.Dispose();
            return null;
        }
        return new Fixture(file, component);
    }

    public Tensor Input(string name) => _file.Load("input." + name);
    public Tensor Output(string name) => _file.Load("output." + name);
    public bool HasInput(string name) => _file.Contains("input." + name);
    public bool HasOutput(string name) => _file.Contains("output." + name);
    public IEnumerable<string> TensorNames => _file.Entries.Keys;

    /// <summary>The <c>param.*</c> tensors under a prefix, keyed by the rest of the key (the official state-dict key).</summary>
    public IEnumerable<string> ParamKeys(string prefix = "") =>
        _file.Entries.Keys.Where(k => k.StartsWith("param." + prefix, StringComparison.Ordinal)).Select(k => k["param.".Length..][prefix.Length..]);

    public Tensor Param(string key) => _file.Load("param." + key);

    /// <summary>The parameters under <paramref name="prefix"/> as a state dict (keys without the prefix), loaded one by one on demand.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> StateDict(string prefix = "") =>
        ParamKeys(prefix).Select(k => new KeyValuePair<string, Tensor>(k, Param(prefix + k)));

    /// <summary>Tolerance for one output: the per-output entry of <c>tolerances</c>, else the top-level atol/rtol.</summary>
    public Tolerance ToleranceFor(string output)
    {
        var tolerances = ParseJson(_file.Metadata, "tolerances", "{}");
        if (tolerances.ValueKind == JsonValueKind.Object && tolerances.TryGetProperty(output, out var entry) && entry.ValueKind == JsonValueKind.Object)
            return Tolerance.FromJson(entry);
        double atol = ReadDouble("atol"), rtol = ReadDouble("rtol");
        if (tolerances.ValueKind == JsonValueKind.Object)
        {
            if (tolerances.TryGetProperty("atol", out var a)) atol = a.GetDouble();
            if (tolerances.TryGetProperty("rtol", out var r)) rtol = r.GetDouble();
        }
        return new Tolerance(atol, rtol, 0);
    }

    private double ReadDouble(string key) =>
        _file.Metadata.TryGetValue(key, out var text) && double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static JsonElement ParseJson(IReadOnlyDictionary<string, string> metadata, string key, string fallback) =>
        JsonDocument.Parse(metadata.TryGetValue(key, out var text) && !string.IsNullOrWhiteSpace(text) ? text : fallback).RootElement.Clone();

    public void Dispose() => _file.Dispose();
}
