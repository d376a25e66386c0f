using System.Text.Json;
using EchoMimic.Inference.Checkpoints;

namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary>openai whisper checkpoints: dims + model_state_dict, decoder keys tolerated and ignored by name.</summary>
public sealed class WhisperModelFileTests
{
    public static TheoryData<string> Samples
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var sample in CheckpointSamples.All())
            {
                var path = Path.Combine(CheckpointSamples.Root, sample.Data);
                if (File.Exists(path + ".json") && File.ReadAllText(path + ".json").Contains("\"model_state_dict\"", StringComparison.Ordinal)) data.Add(sample.Data);
            }
            if (data.Count == 0) data.Add("(no whisper-like samples)");
            return data;
        }
    }

    [Theory, MemberData(nameof(Samples))]
    public void Whisper_checkpoint_exposes_dims_and_an_encoder_only_state_dict(string sample)
    {
        var path = CheckpointSamples.Require(sample);
        using var sidecar = JsonDocument.Parse(File.ReadAllBytes(path + ".json"));
        var expected = sidecar.RootElement;
        using var whisper = WhisperModelFile.Open(path);

        var dims = expected.GetProperty("values").EnumerateArray()
            .Where(v => v.GetProperty("path")[0].GetString() == "dims")
            .ToDictionary(v => v.GetProperty("path")[1].GetString()!, v => v.GetProperty("value").GetInt64());
        Assert.Equal(dims.OrderBy(d => d.Key), whisper.Dims.OrderBy(d => d.Key));

        var stateKeys = expected.GetProperty("tensors").EnumerateArray()
            .Where(t => t.GetProperty("path")[0].GetString() == WhisperModelFile.StateDictKey)
            .Select(t => t.GetProperty("key").GetString()!).ToList();
        Assert.Equal(stateKeys, whisper.LazyStateDict().Select(kv => kv.Key));

        var encoder = stateKeys.Where(k => k.StartsWith("encoder.", StringComparison.Ordinal)).Select(k => k["encoder.".Length..]).ToList();
        Assert.NotEmpty(encoder);
        var stripped = whisper.EncoderStateDict(stripPrefix: true).Select(kv => { kv.Value.Dispose(); return kv.Key; }).ToList();
        Assert.Equal(encoder, stripped);
        Assert.All(stateKeys.Except(stateKeys.Where(k => k.StartsWith("encoder.", StringComparison.Ordinal))),
            k => Assert.True(WhisperModelFile.DecoderIgnored.Tolerates(k, ToleratedDifference.Unexpected), $"{k} should be an ignored decoder key"));
    }
}
