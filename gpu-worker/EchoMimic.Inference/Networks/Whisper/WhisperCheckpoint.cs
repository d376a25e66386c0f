using EchoMimic.Inference.Checkpoints;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Whisper;

/// <summary>
/// Loads the <c>model_state_dict</c> of a whole whisper model (<c>tiny.pt</c>, or the audio_features fixtures'
/// <c>param.whisper.*</c>) into the encoder alone: <c>encoder.</c> is stripped, <c>decoder.*</c> is a tolerated,
/// ignored prefix (EchoMimicV2 builds and loads the decoder but never runs it).
/// </summary>
public static class WhisperCheckpoint
{
    public const string EncoderPrefix = "encoder.";

    public static readonly ToleratedPrefix Decoder =
        new("decoder.", "EchoMimicV2 only runs whisper's encoder (Audio2Feature); the text decoder's weights are read but unused");

    public static LoadReport LoadEncoder(WhisperAudioEncoder encoder, IEnumerable<KeyValuePair<string, Tensor>> wholeModel, string? sourceName = null) =>
        StateDictLoader.Load(encoder, wholeModel.Select(StripEncoderPrefix), [Decoder], sourceName);

    private static KeyValuePair<string, Tensor> StripEncoderPrefix(KeyValuePair<string, Tensor> entry) =>
        entry.Key.StartsWith(EncoderPrefix, StringComparison.Ordinal)
            ? new KeyValuePair<string, Tensor>(entry.Key[EncoderPrefix.Length..], entry.Value)
            : entry;
}
