using static TorchSharp.torch;

namespace EchoMimic.Inference.Audio;

/// <summary>
/// The Slaney-style mel filter bank whisper ships in <c>assets/mel_filters.npz</c>, computed instead of copied:
/// <c>librosa.filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2, htk=False, norm="slaney")</c>. Mel scale linear
/// below 1 kHz (200/3 Hz per mel) and logarithmic above (step ln(6.4)/27); triangles between consecutive
/// mel-spaced edges; each row scaled by 2 / (upper edge - lower edge) so every filter has unit area.
/// Computed in float64 and rounded once to float32, as librosa does.
/// </summary>
public static class MelFilterBank
{
    private const double LinearHzPerMel = 200.0 / 3;
    private const double LogRegionStartHz = 1000.0;
    private const double LogRegionStartMel = LogRegionStartHz / LinearHzPerMel;
    private static readonly double LogStep = Math.Log(6.4) / 27.0;

    /// <summary>Filters (n_mels, n_fft/2 + 1) as float32, rows = mel bands, columns = FFT bins.</summary>
    public static Tensor Slaney(int sampleRate = 16000, int nFft = 400, int nMels = 80, double fMin = 0, double? fMax = null)
    {
        var weights = SlaneyWeights(sampleRate, nFft, nMels, fMin, fMax ?? sampleRate / 2.0);
        int bins = nFft / 2 + 1;
        var flat = new float[nMels * bins];
        for (int m = 0; m < nMels; m++)
            for (int k = 0; k < bins; k++) flat[m * bins + k] = (float)weights[m, k];
        return tensor(flat, [nMels, bins]);
    }

    /// <summary>The same filters in float64 (n_mels x (n_fft/2 + 1)).</summary>
    public static double[,] SlaneyWeights(int sampleRate, int nFft, int nMels, double fMin, double fMax)
    {
        int bins = nFft / 2 + 1;
        // np.fft.rfftfreq(n_fft, 1/sr): bin k sits at k * sr / n_fft.
        var fftFreqs = new double[bins];
        for (int k = 0; k < bins; k++) fftFreqs[k] = k * (1.0 / (nFft * (1.0 / sampleRate)));

        // librosa.mel_frequencies: n_mels + 2 edges evenly spaced in mel (np.linspace), back to Hz.
        double minMel = HzToMel(fMin), maxMel = HzToMel(fMax);
        int edges = nMels + 2;
        var melF = new double[edges];
        double step = (maxMel - minMel) / (edges - 1);
        for (int i = 0; i < edges; i++) melF[i] = MelToHz(i == edges - 1 ? maxMel : minMel + i * step);

        var weights = new double[nMels, bins];
        for (int m = 0; m < nMels; m++)
        {
            double lowerWidth = melF[m + 1] - melF[m], upperWidth = melF[m + 2] - melF[m + 1];
            double norm = 2.0 / (melF[m + 2] - melF[m]);
            for (int k = 0; k < bins; k++)
            {
                double lower = -(melF[m] - fftFreqs[k]) / lowerWidth;
                double upper = (melF[m + 2] - fftFreqs[k]) / upperWidth;
                weights[m, k] = Math.Max(0, Math.Min(lower, upper)) * norm;
            }
        }
        return weights;
    }

    /// <summary>librosa <c>hz_to_mel(htk=False)</c> (Slaney).</summary>
    public static double HzToMel(double hz) =>
        hz >= LogRegionStartHz ? LogRegionStartMel + Math.Log(hz / LogRegionStartHz) / LogStep : hz / LinearHzPerMel;

    /// <summary>librosa <c>mel_to_hz(htk=False)</c> (Slaney).</summary>
    public static double MelToHz(double mel) =>
        mel >= LogRegionStartMel ? LogRegionStartHz * Math.Exp(LogStep * (mel - LogRegionStartMel)) : mel * LinearHzPerMel;
}
