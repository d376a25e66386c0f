using System.Text.Json.Serialization;

namespace EchoMimic.Inference.Networks.Whisper;

/// <summary>
/// The audio half of whisper's <c>ModelDimensions</c>: <c>AudioEncoder(n_mels, n_audio_ctx, n_audio_state,
/// n_audio_head, n_audio_layer)</c> (<c>src/models/whisper/whisper/model.py</c>). Reads both the <c>dims</c> of a
/// whisper checkpoint and the fixtures' config (extra fields ignored).
/// </summary>
public sealed record WhisperEncoderConfig
{
    [JsonPropertyName("n_mels")] public int NMels { get; init; } = 80;
    [JsonPropertyName("n_audio_ctx")] public int NAudioCtx { get; init; } = 1500;
    [JsonPropertyName("n_audio_state")] public int NAudioState { get; init; } = 384;
    [JsonPropertyName("n_audio_head")] public int NAudioHead { get; init; } = 6;
    [JsonPropertyName("n_audio_layer")] public int NAudioLayer { get; init; } = 4;

    /// <summary>Whisper tiny (<c>audio_processor/tiny.pt</c>): 80 mels, 1500 positions, width 384, 6 heads, 4 blocks.</summary>
    public static readonly WhisperEncoderConfig Tiny = new();

    /// <summary>The model EchoMimicV2 ships (<c>audio_processor/tiny.pt</c>).</summary>
    public static readonly WhisperEncoderConfig Official = Tiny;

    /// <summary>Mel frames one encoder call takes: exactly 2 x n_audio_ctx (3000 = 30 s for the real models).</summary>
    [JsonIgnore] public int InputFrames => 2 * NAudioCtx;

    public static WhisperEncoderConfig FromJson(System.Text.Json.JsonElement json) => ModuleConfigJson.Read<WhisperEncoderConfig>(json);
}
