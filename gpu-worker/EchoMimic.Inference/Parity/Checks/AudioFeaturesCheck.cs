using System.Text.Json;
using EchoMimic.Inference.Audio;
using EchoMimic.Inference.Networks.Whisper;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>
/// Fixture component <c>audio_features</c>: whisper log-mel (with our computed filter bank), the per-segment
/// encoder stack (<c>audio2feat</c>) and the per-frame chunks (<c>feature2chunks</c>), from 16 kHz samples.
/// </summary>
public sealed class AudioFeaturesCheck : IComponentCheck
{
    public IReadOnlyCollection<string> Components => ["audio_features"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture)
    {
        var config = fixture.Config;
        var dims = WhisperEncoderConfig.FromJson(config.GetProperty("whisper_dims"));
        double fps = config.GetProperty("fps").GetDouble();
        (int, int)? featLength = config.TryGetProperty("audio_feat_length", out var fl) && fl.ValueKind == JsonValueKind.Array
            ? (fl[0].GetInt32(), fl[1].GetInt32())
            : null;

        using var encoder = new WhisperAudioEncoder(dims);
        WhisperCheckpoint.LoadEncoder(encoder, fixture.StateDict("whisper."), fixture.Path);
        encoder.eval();
        using var _ = no_grad();

        var samples = fixture.Input("audio");
        var mel = WhisperLogMel.Compute(samples, dims.NMels);
        var extractor = new AudioFeatureExtractor(encoder);
        var features = new AudioFeatures(extractor.EncoderLayers(mel), fps, featLength);
        var indices = Enumerable.Range(0, features.ChunkCount).SelectMany(features.FrameIndices).ToArray();
        return new Dictionary<string, Tensor>
        {
            ["mel_filters"] = MelFilterBank.Slaney(nMels: dims.NMels),
            ["mel"] = mel,
            ["encoder_layers"] = features.EncoderLayers,
            ["frame_indices"] = tensor(indices, [features.ChunkCount, features.WindowLength]),
            ["audio_fea_final"] = features.AllChunks(),
        };
    }
}
