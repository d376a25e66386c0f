using static TorchSharp.torch;

namespace EchoMimic.Inference.Audio;

/// <summary>
/// whisper <c>log_mel_spectrogram</c> (<c>src/models/whisper/whisper/audio.py</c>) over a whole clip of 16 kHz
/// mono samples: STFT (n_fft 400, hop 160, periodic Hann, centred with reflect padding), last frame dropped,
/// |.|^2, 80 Slaney mel filters, log10 of max(x, 1e-10), floor at the clip's global max - 8, (x + 4) / 4.
/// </summary>
public static class WhisperLogMel
{
    public const int SampleRate = 16000;
    public const int NFft = 400;
    public const int HopLength = 160;

    /// <summary>Smallest clip the centred STFT accepts: reflect padding needs more than n_fft/2 samples.</summary>
    public const int MinimumSamples = NFft / 2 + 1;

    private static readonly Lazy<Tensor> Filters80 = new(() => MelFilterBank.Slaney(SampleRate, NFft, 80).DetachFromDisposeScope());

    /// <summary>The mel filters used for <paramref name="nMels"/> bands (80 for every whisper up to v2).</summary>
    public static Tensor Filters(int nMels = 80) => nMels == 80 ? Filters80.Value : MelFilterBank.Slaney(SampleRate, NFft, nMels);

    /// <summary>Log-mel (n_mels, samples / 160) of a float32 clip (N,) of 16 kHz samples.</summary>
    public static Tensor Compute(Tensor samples, int nMels = 80)
    {
        if (samples.dim() != 1) throw new ArgumentException($"samples must be 1-D, got [{string.Join(",", samples.shape)}]");
        if (samples.shape[0] < MinimumSamples) throw new ArgumentException($"a clip needs at least {MinimumSamples} samples for whisper's STFT, got {samples.shape[0]}");
        using var scope = NewDisposeScope();
        var audio = samples.to_type(ScalarType.Float32);
        var window = hann_window(NFft, periodic: true, dtype: ScalarType.Float32);
        var stft = audio.stft(NFft, HopLength, window: window, center: true, pad_mode: TorchSharp.PaddingModes.Reflect, return_complex: true);
        // audio.py: stft[..., :-1].abs() ** 2 (the magnitude is squared, as written, not re^2 + im^2).
        var frames = stft.shape[^1];
        var magnitudes = stft.narrow(-1, 0, frames - 1).abs().pow(2);
        var mel = matmul(Filters(nMels).to(magnitudes.device), magnitudes);
        var log = mel.clamp_min(1e-10).log10();
        log = maximum(log, log.max() - 8.0);
        return ((log + 4.0) / 4.0).MoveToOuterDisposeScope();
    }

    /// <summary>Same as <see cref="Compute(Tensor, int)"/> for a sample array.</summary>
    public static Tensor Compute(float[] samples, int nMels = 80)
    {
        using var scope = NewDisposeScope();
        return Compute(tensor(samples), nMels).MoveToOuterDisposeScope();
    }
}
