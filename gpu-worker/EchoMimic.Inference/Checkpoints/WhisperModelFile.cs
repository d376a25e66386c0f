using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// openai whisper's checkpoint (<c>audio_processor/tiny.pt</c>): <c>{"dims": {...}, "model_state_dict": OrderedDict}</c>,
/// as whisper/__init__.py <c>load_model</c> reads it. The file holds the decoder too; EchoMimicV2 only runs the
/// encoder (src/utils/audio_processer / whisper <c>embed_audio</c>), so the decoder keys are read and discarded.
/// Feed <see cref="StateDict"/> to the encoder's loader (Networks/Whisper/WhisperCheckpoint.LoadEncoder), which
/// strips <c>encoder.</c> and ignores <c>decoder.</c>.
/// </summary>
public sealed class WhisperModelFile : IDisposable
{
    public const string StateDictKey = "model_state_dict";
    public const string EncoderPrefix = "encoder.";

    /// <summary>Loading only the encoder leaves the decoder keys of tiny.pt without a place: they are ignored by name.</summary>
    public static readonly ToleratedPrefix DecoderIgnored = new("decoder.",
        "tiny.pt holds the full Whisper model (whisper.load_model loads it strictly); EchoMimicV2 only runs the encoder, so the decoder keys are read and discarded",
        ToleratedDifference.Unexpected);

    private WhisperModelFile(Checkpoint checkpoint, IReadOnlyDictionary<string, long> dims)
    {
        Checkpoint = checkpoint;
        Dims = dims;
    }

    public Checkpoint Checkpoint { get; }

    /// <summary><c>ModelDimensions</c>: n_mels, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_vocab, n_text_*.</summary>
    public IReadOnlyDictionary<string, long> Dims { get; }

    public static WhisperModelFile Open(string path)
    {
        var checkpoint = CheckpointReader.Open(path);
        try
        {
            if (checkpoint.Root is not PickleDict root || !root.ContainsKey("dims") || !root.ContainsKey(StateDictKey))
                throw new InvalidDataException($"{path}: not an openai whisper checkpoint (expected a dict with 'dims' and '{StateDictKey}')");
            var dims = ((root["dims"] as PickleDict) ?? throw new InvalidDataException($"{path}: 'dims' is not a dict"))
                .ToDictionary(kv => kv.Key.ToString()!, kv => kv.Value as long? ?? throw new InvalidDataException($"{path}: dims.{kv.Key} is not an int"));
            return new WhisperModelFile(checkpoint, dims);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>Every key of <c>model_state_dict</c> (encoder and decoder), lazily.</summary>
    public IEnumerable<KeyValuePair<string, LazyTensor>> LazyStateDict() => Checkpoint.LazyStateDict(StateDictKey);

    /// <summary>All keys, each tensor read when reached; load with <see cref="DecoderIgnored"/> into an encoder-only module.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> StateDict() => Checkpoint.StateDict(StateDictKey);

    /// <summary>
    /// Only the encoder's tensors; with <paramref name="stripPrefix"/> the keys lose <c>encoder.</c>, for a module
    /// that is the AudioEncoder itself rather than a Whisper holding it.
    /// </summary>
    public IEnumerable<KeyValuePair<string, Tensor>> EncoderStateDict(bool stripPrefix = false) =>
        LazyStateDict()
            .Where(kv => kv.Key.StartsWith(EncoderPrefix, StringComparison.Ordinal))
            .Select(kv => new KeyValuePair<string, Tensor>(stripPrefix ? kv.Key[EncoderPrefix.Length..] : kv.Key, kv.Value.Materialize()));

    public void Dispose() => Checkpoint.Dispose();
}
