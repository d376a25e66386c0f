using System.Text.Json;
using EchoMimic.Inference.Checkpoints;

namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary>The embedded manifests are complete, self-consistent and identical to ../shared/weights-manifest.</summary>
public sealed class WeightsManifestTests
{
    public static TheoryData<string> Modules => new(WeightsManifest.Modules);

    [Theory, MemberData(nameof(Modules))]
    public void Embedded_manifest_is_consistent(string module)
    {
        var manifest = WeightsManifest.Load(module);
        Assert.Equal(module, manifest.Module);
        Assert.Equal(manifest.NumTensors, manifest.Keys.Count);
        Assert.Equal(manifest.NumElements, manifest.Keys.Sum(k => k.NumberOfElements));
        Assert.Equal(manifest.Keys.Count, manifest.Keys.Select(k => k.Key).Distinct().Count());
        Assert.All(manifest.Keys, k => Assert.Contains(k.Kind, new[] { "parameter", "buffer" }));
    }

    [Theory, MemberData(nameof(Modules))]
    public void Embedded_manifest_equals_the_shared_one(string module)
    {
        var shared = Path.GetFullPath(Path.Combine(FixtureFiles.Root, "..", "weights-manifest", module + ".json"));
        if (!File.Exists(shared)) RequiredData.Missing($"../shared/weights-manifest is not available here ({shared})");
        using var stream = File.OpenRead(shared);
        var fromShared = WeightsManifest.Parse(stream);
        var embedded = WeightsManifest.Load(module);
        Assert.Equal(fromShared.Keys.Select(k => (k.Key, string.Join(",", k.Shape), k.DType, k.Kind, k.Source)),
            embedded.Keys.Select(k => (k.Key, string.Join(",", k.Shape), k.DType, k.Kind, k.Source)));
        Assert.Equal(fromShared.Document.GetRawText(), embedded.Document.GetRawText());
    }

    [Fact]
    public void Whisper_rows_say_where_they_sit_in_tiny_pt_and_which_the_encoder_ignores()
    {
        var whisper = WeightsManifest.Load("whisper_tiny");
        Assert.All(whisper.Keys, k => Assert.Equal(["model_state_dict", k.Key], k.PathInCheckpoint!));
        Assert.All(whisper.Keys, k => Assert.Equal(k.Key.StartsWith("decoder.", StringComparison.Ordinal), k.IgnoredByEncoderOnly));
        Assert.Equal(whisper.Document.GetProperty("num_decoder_tensors").GetInt32(), whisper.Keys.Count(k => k.IgnoredByEncoderOnly));
        Assert.Equal(JsonValueKind.Object, whisper.Document.GetProperty("checkpoint_layout").ValueKind);
    }
}
