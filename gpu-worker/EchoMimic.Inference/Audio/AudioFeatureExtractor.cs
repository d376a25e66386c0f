using EchoMimic.Core;
using EchoMimic.Inference.Networks.Whisper;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Audio;

/// <summary>
/// The audio step of the pipeline (official <c>Audio2Feature.audio2feat</c> via whisper <c>transcribe</c>): decode to
/// 16 kHz mono, log-mel of the whole clip, whisper encoder per 30 s segment (the mel zero-padded to 3000 frames
/// in the log-mel domain), the per-layer stack trimmed to the segment's real length and concatenated. The CLI render
/// and the cloud's prepare task both call this; frame ranges then slice <see cref="AudioFeatures"/>.
/// </summary>
public sealed class AudioFeatureExtractor(WhisperAudioEncoder encoder)
{
    public WhisperAudioEncoder Encoder { get; } = encoder;

    /// <summary>Features of an audio (or video) file at the given video frame rate.</summary>
    /// <exception cref="InputException">The file cannot be decoded, or is empty, silent or too short.</exception>
    public AudioFeatures Extract(string path, double fps, CancellationToken cancellationToken = default)
    {
        var samples = AudioFileDecoder.Decode(path, cancellationToken);
        if (samples.Length < WhisperLogMel.MinimumSamples)
            throw new InputException(path, $"audio is too short ({samples.Length * 1000.0 / AudioFileDecoder.SampleRate:F1} ms; at least {Math.Ceiling(WhisperLogMel.MinimumSamples * 1000.0 / AudioFileDecoder.SampleRate)} ms are needed)");
        return Extract(samples, fps, cancellationToken: cancellationToken);
    }

    /// <summary>Features of 16 kHz mono samples (whisper <c>load_audio</c> output) at the given video frame rate.</summary>
    public AudioFeatures Extract(float[] samples, double fps, (int Left, int Right)? featLength = null, CancellationToken cancellationToken = default)
    {
        using var scope = NewDisposeScope();
        var mel = WhisperLogMel.Compute(tensor(samples), Encoder.Config.NMels);
        var layers = EncoderLayers(mel, cancellationToken);
        return new AudioFeatures(layers.MoveToOuterDisposeScope(), fps, featLength);
    }

    /// <summary>
    /// <c>audio2feat</c>'s concatenation (T, n_layer + 1, d) for a whole-clip log-mel (n_mels, frames): segments
    /// of 3000 frames (<c>seek += 3000</c>), each padded with 0.0 by <c>pad_or_trim</c>, keeping the first
    /// <c>int((end - start) / 2)</c> encoder rows of each.
    /// </summary>
    public Tensor EncoderLayers(Tensor mel, CancellationToken cancellationToken = default)
    {
        int segmentFrames = Encoder.Config.InputFrames;
        long frames = mel.shape[^1];
        var parts = new List<Tensor>();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (long seek = 0; seek < frames; seek += segmentFrames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long end = Math.Min(seek + segmentFrames, frames);
            var segment = mel.narrow(-1, seek, end - seek);
            if (end - seek < segmentFrames) segment = nn.functional.pad(segment, [0, segmentFrames - (end - seek)]);
            using var segmentScope = NewDisposeScope();
            var embeddings = Encoder.Embeddings(segment.unsqueeze(0).to(EncoderDtype, EncoderDevice));
            long keep = (end - seek) / 2;
            // (1, layers, n_ctx, d) -> (n_ctx, layers, d), as audio2feat's transpose(0, 2, 1, 3).squeeze(0).
            var rows = embeddings[0].permute(1, 0, 2).narrow(0, 0, keep).to(ScalarType.Float32).cpu().contiguous();
            parts.Add(rows.MoveToOuterDisposeScope());
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    private Device EncoderDevice => Encoder.parameters().FirstOrDefault()?.device ?? CPU;
    private ScalarType EncoderDtype => Encoder.parameters().FirstOrDefault()?.dtype ?? ScalarType.Float32;
}
