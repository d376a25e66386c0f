using EchoMimic.Inference.Networks.Unet;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// The denoising UNet (<c>src/models/unet_3d_emo.py EMOUNet3DConditionModel</c>) with the official parameter names:
/// <c>conv_in</c>, <c>time_embedding</c>, <c>down_blocks</c>, <c>up_blocks</c>, <c>mid_block</c>, <c>conv_norm_out</c>,
/// <c>conv_out</c>. Inside, activations stay frame-batched ((b f), c, h, w) from <c>conv_in</c> to <c>conv_out</c>, where the
/// official inflated convs and group norms are exactly per-frame 2-D ops; only the motion modules mix frames.
/// Its transformer blocks always run the read-mode forward of <c>ReferenceAttentionControl</c> (see
/// <see cref="TemporalBasicTransformerBlock"/>).
/// </summary>
public sealed class EmoUNet3D : nn.Module
{
    private readonly InflatedConv3d _convIn, _convOut;
    private readonly TimestepEmbedding _timeEmbedding;
    private readonly ModuleList<UNetDownBlock3D> _downBlocks;
    private readonly ModuleList<UNetUpBlock3D> _upBlocks;
    private readonly UNetMidBlock3DCrossAttn _midBlock;
    private readonly InflatedGroupNorm _convNormOut;
    private readonly List<TemporalBasicTransformerBlock> _readerBlocks;

    public EmoUNet3DConfig Config { get; }

    public EmoUNet3D(EmoUNet3DConfig config, Device? device = null) : base(nameof(EmoUNet3D))
    {
        Config = config;
        var channels = config.BlockOutChannels;
        int levels = channels.Count;
        _convIn = new InflatedConv3d(config.InChannels, channels[0], 3, padding: 1, device: device);
        _timeEmbedding = new TimestepEmbedding(channels[0], channels[0] * 4, config.FlipSinToCos, config.FreqShift, device: device);
        _downBlocks = nn.ModuleList(Enumerable.Range(0, levels).Select(i => new UNetDownBlock3D(config.DownBlockTypes[i],
            i == 0 ? channels[0] : channels[i - 1], channels[i], i, config, addDownsample: i < levels - 1, device: device)).ToArray());
        _upBlocks = nn.ModuleList(Enumerable.Range(0, levels).Select(i => new UNetUpBlock3D(config.UpBlockTypes[i], i, config, addUpsample: i < levels - 1, device: device)).ToArray());
        _midBlock = new UNetMidBlock3DCrossAttn(config, device: device);
        _convNormOut = new InflatedGroupNorm(config.NormNumGroups, channels[0], config.NormEps, device: device);
        _convOut = new InflatedConv3d(channels[0], config.OutChannels, 3, padding: 1, device: device);
        register_module("conv_in", _convIn);
        register_module("time_embedding", _timeEmbedding);
        register_module("down_blocks", _downBlocks);
        register_module("up_blocks", _upBlocks);
        register_module("mid_block", _midBlock);
        register_module("conv_norm_out", _convNormOut);
        register_module("conv_out", _convOut);

        _readerBlocks = [];
        foreach (var (name, module) in named_modules())
            if (module is TemporalBasicTransformerBlock block)
            {
                block.Path = name;
                _readerBlocks.Add(block);
            }
    }

    // Submodules are registered explicitly under their official names.
    protected override void RegisterComponents() { }

    /// <summary>The read-mode blocks (every TemporalBasicTransformerBlock) in named_modules() order.</summary>
    public IReadOnlyList<TemporalBasicTransformerBlock> ReaderBlocks => _readerBlocks;

    /// <summary>
    /// One denoising-UNet call as in <c>EchoMimicV2Pipeline.__call__</c> (no grad). Returns the noise prediction
    /// (b, out_channels, f, h, w).
    /// </summary>
    /// <param name="latents">(b, 4, f, h, w); with CFG b = 2 and both halves identical</param>
    /// <param name="timestep">0-d int64 (expanded to the batch) or (b,)</param>
    /// <param name="audio">(b, f, n_tokens, cross_attention_dim) audio tokens per frame ([zeros, audio] with CFG), or
    /// already ((b f), n, c)</param>
    /// <param name="poseFeatures">(b, block_out_channels[0], f, h, w) pose-encoder output ([zeros, pose] with CFG),
    /// added to the conv_in output; null for none</param>
    /// <param name="bank">the reference bank from <see cref="ReferenceAttentionControl.Update"/>; null: blocks attend to themselves only</param>
    public Tensor forward(Tensor latents, Tensor timestep, Tensor audio, Tensor? poseFeatures, ReaderBank? bank)
    {
        if (latents.dim() != 5) throw new ArgumentException($"latents must be (b, c, f, h, w), got [{string.Join(", ", latents.shape)}]", nameof(latents));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long batch = latents.shape[0], frames = latents.shape[2];
        var dtype = _convIn.get_parameter("weight")!.dtype;
        var temb = _timeEmbedding.forward(timestep, batch, dtype);
        var step = new DenoisingStep(temb, frames, AudioTokens(audio, batch * frames).to_type(dtype), bank);

        var x = _convIn.forward(FrameLayout.ToFrameBatch(latents.to_type(dtype)));
        if (poseFeatures is not null) x = x.add_(FrameLayout.ToFrameBatch(poseFeatures.to_type(dtype)));
        var skips = new List<Tensor> { x };
        foreach (var block in _downBlocks) x = block.forward(x, step, skips);
        x = _midBlock.forward(x, step);
        foreach (var block in _upBlocks) x = block.forward(x, step, skips);
        x = _convOut.forward(nn.functional.silu(_convNormOut.forward(x)));
        return FrameLayout.ToVideo(x, frames).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Transformer3DModel's audio layout: (b, f, n, c) -> ((b f), n, c), so frame k of batch row b attends to its own
    /// tokens; (b, f, c) -> ((b f), 1, c); already ((b f), ...) tensors are used as they are.
    /// </summary>
    private static Tensor AudioTokens(Tensor audio, long rows)
    {
        if (audio.shape[0] == rows && audio.dim() == 3) return audio;
        return audio.dim() switch
        {
            4 => audio.reshape(audio.shape[0] * audio.shape[1], audio.shape[2], audio.shape[3]),
            3 => audio.reshape(audio.shape[0] * audio.shape[1], 1, audio.shape[2]),
            _ => throw new ArgumentException($"audio features must be (b, f, n, c), got [{string.Join(", ", audio.shape)}]", nameof(audio)),
        };
    }
}
