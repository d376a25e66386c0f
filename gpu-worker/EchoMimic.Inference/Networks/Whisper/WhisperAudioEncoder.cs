using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Whisper;

/// <summary>
/// whisper <c>AudioEncoder</c> (<c>src/models/whisper/whisper/model.py</c>): <c>conv1</c> -> GELU -> <c>conv2</c>
/// (stride 2) -> GELU -> + <c>positional_embedding</c> (persistent buffer) -> <c>blocks.N</c> -> <c>ln_post</c>.
/// Keys are the encoder's own; in a whisper checkpoint they carry the prefix <c>encoder.</c> (see
/// <see cref="WhisperCheckpoint"/>).
/// </summary>
public sealed class WhisperAudioEncoder : ExplicitModule<Tensor, Tensor>
{
    private readonly Conv1d _conv1;
    private readonly Conv1d _conv2;
    private readonly ModuleList<WhisperResidualBlock> _blocks;
    private readonly LayerNorm _lnPost;

    public WhisperEncoderConfig Config { get; }

    /// <param name="config">Model dimensions (<see cref="WhisperEncoderConfig.Tiny"/> for <c>tiny.pt</c>).</param>
    /// <param name="device">Where parameters are created; <c>torch.META</c> builds the layout without allocating.</param>
    public WhisperAudioEncoder(WhisperEncoderConfig config, Device? device = null) : base(nameof(WhisperAudioEncoder))
    {
        Config = config;
        int d = config.NAudioState;
        _conv1 = nn.Conv1d(config.NMels, d, 3, padding: 1, device: device);
        _conv2 = nn.Conv1d(d, d, 3, stride: 2, padding: 1, device: device);
        _blocks = new ModuleList<WhisperResidualBlock>();
        for (int i = 0; i < config.NAudioLayer; i++) _blocks.Add(new WhisperResidualBlock(d, config.NAudioHead, device));
        _lnPost = nn.LayerNorm(d, device: device);
        // Registered first, as whisper does (register_buffer before conv1), so state_dict() order matches tiny.pt.
        register_buffer("positional_embedding", Sinusoids(config.NAudioCtx, d, device), persistent: true);
        register_module("conv1", _conv1);
        register_module("conv2", _conv2);
        register_module("blocks", _blocks);
        register_module("ln_post", _lnPost);
    }

    /// <summary>whisper <c>sinusoids(length, channels)</c>: [sin(t inv), cos(t inv)], inv_i = exp(-ln(10000) i / (channels/2 - 1)).</summary>
    public static Tensor Sinusoids(int length, int channels, Device? device = null)
    {
        if (device?.type == DeviceType.META) return empty(length, channels, device: device);
        using var scope = NewDisposeScope();
        double increment = Math.Log(10000) / (channels / 2 - 1);
        var inv = exp(arange(channels / 2, ScalarType.Float32) * -increment);
        var time = arange(length, ScalarType.Float32).unsqueeze(1) * inv.unsqueeze(0);
        return cat([sin(time), cos(time)], 1).to(device ?? CPU).MoveToOuterDisposeScope();
    }

    /// <summary>The encoder output after <c>ln_post</c> (b, n_ctx, d) for a log-mel (b, n_mels, 2 n_ctx).</summary>
    public override Tensor forward(Tensor mel)
    {
        using var scope = NewDisposeScope();
        return Encode(mel).Output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>encoder(mel, include_embeddings=True)</c> of EchoMimicV2's whisper: the output and the stack
    /// (b, n_layer+1, n_ctx, d) of [embedded input, block 1 output, ..., block n output] (no <c>ln_post</c>).
    /// The mel must be exactly 2 x n_ctx frames long (the official code asserts the same).
    /// </summary>
    public WhisperEncoding Encode(Tensor mel)
    {
        if (mel.dim() != 3 || mel.shape[1] != Config.NMels || mel.shape[2] != Config.InputFrames)
            throw new ArgumentException($"whisper encoder input must be (b, {Config.NMels}, {Config.InputFrames}), got [{string.Join(",", mel.shape)}]");
        using var scope = NewDisposeScope();
        var x = nn.functional.gelu(_conv1.forward(mel));
        x = nn.functional.gelu(_conv2.forward(x)).permute(0, 2, 1);
        x = (x + get_buffer("positional_embedding")!).to_type(x.dtype);
        var layers = new List<Tensor>(_blocks.Count + 1) { x };
        foreach (var block in _blocks)
        {
            x = block.forward(x);
            layers.Add(x);
        }
        var output = WhisperResidualBlock.Float32Norm(_lnPost, x);
        var embeddings = stack(layers, 1);
        return new WhisperEncoding(output.MoveToOuterDisposeScope(), embeddings.MoveToOuterDisposeScope());
    }

    /// <summary>Only the per-layer stack (b, n_layer+1, n_ctx, d) that EchoMimicV2's Audio2Feature uses.</summary>
    public Tensor Embeddings(Tensor mel)
    {
        using var scope = NewDisposeScope();
        return Encode(mel).Embeddings.MoveToOuterDisposeScope();
    }
}
