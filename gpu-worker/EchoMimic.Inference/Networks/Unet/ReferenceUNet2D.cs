using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// The reference UNet (<c>src/models/unet_2d_condition.py UNet2DConditionModel</c>, SD1.5 layout) with the official
/// parameter names: <c>conv_in</c>, <c>time_embedding</c>, <c>down_blocks</c>, <c>up_blocks</c>, <c>mid_block</c>
/// (registered after up_blocks, as in the official constructor). There is no <c>conv_norm_out</c>/<c>conv_out</c>: the
/// forward returns the last up block's output (block_out_channels[0] channels), which the pipeline discards; what
/// matters is the reference-attention bank (<see cref="WriteBank"/>).
/// </summary>
public sealed class ReferenceUNet2D : nn.Module
{
    // Submodules are registered explicitly under their official names; TorchSharp's field-name registration would add duplicates.
    protected override void RegisterComponents() { }

    private readonly Conv2d _convIn;
    private readonly TimestepEmbedding _timeEmbedding;
    private readonly ModuleList<UNetDownBlock2D> _downBlocks;
    private readonly ModuleList<UNetUpBlock2D> _upBlocks;
    private readonly UNetMidBlock2DCrossAttn _midBlock;
    private readonly List<BasicTransformerBlock> _writerBlocks;

    public UNet2DConfig Config { get; }

    public ReferenceUNet2D(UNet2DConfig config, Device? device = null) : base(nameof(ReferenceUNet2D))
    {
        Config = config;
        if (config.MidBlockType != "UNetMidBlock2DCrossAttn") throw new NotSupportedException($"mid block type {config.MidBlockType}");
        var channels = config.BlockOutChannels;
        int levels = channels.Count, tembChannels = channels[0] * 4;
        _convIn = nn.Conv2d(config.InChannels, channels[0], 3, padding: 1, device: device);
        _timeEmbedding = new TimestepEmbedding(channels[0], tembChannels, config.FlipSinToCos, config.FreqShift, device: device);

        var down = new List<UNetDownBlock2D>();
        for (int i = 0; i < levels; i++)
            down.Add(new UNetDownBlock2D(config.DownBlockTypes[i], i == 0 ? channels[0] : channels[i - 1], channels[i], tembChannels,
                config.LayersPerBlock[i], config.AttentionHeads[i], config.NormNumGroups, config.NormEps, addDownsample: i < levels - 1, device: device));

        var up = new List<UNetUpBlock2D>();
        for (int i = 0; i < levels; i++)
        {
            int r = levels - 1 - i;
            up.Add(new UNetUpBlock2D(config.UpBlockTypes[i], skipInChannels: channels[Math.Max(r - 1, 0)], outChannels: channels[r],
                prevOutputChannels: channels[Math.Min(r + 1, levels - 1)], tembChannels, config.LayersPerBlock[r] + 1,
                config.AttentionHeads[r], config.NormNumGroups, config.NormEps, addUpsample: i < levels - 1, device: device));
        }
        _midBlock = new UNetMidBlock2DCrossAttn(channels[^1], tembChannels, config.AttentionHeads[^1], config.NormNumGroups, config.NormEps, config.MidBlockScaleFactor, device: device);

        _downBlocks = nn.ModuleList(down.ToArray());
        _upBlocks = nn.ModuleList(up.ToArray());
        register_module("conv_in", _convIn);
        register_module("time_embedding", _timeEmbedding);
        register_module("down_blocks", _downBlocks);
        register_module("up_blocks", _upBlocks);
        register_module("mid_block", _midBlock);

        _writerBlocks = [];
        foreach (var (name, module) in named_modules())
            if (module is BasicTransformerBlock block)
            {
                block.Path = name;
                _writerBlocks.Add(block);
            }
    }

    /// <summary>The writer blocks (every BasicTransformerBlock) in named_modules() order, with their paths and widths.</summary>
    public IReadOnlyList<BasicTransformerBlock> WriterBlocks => _writerBlocks;

    /// <summary>An empty bank with one entry per writer block.</summary>
    public ReferenceBank NewBank() => new(_writerBlocks.Select(b => (b.Path, b.Width)));

    /// <summary>
    /// The reference pass of <c>EchoMimicV2Pipeline.__call__</c> (first denoising step): runs the UNet on the
    /// reference latents (batch, 4, h, w) at timestep 0 (int64) and returns the bank it writes.
    /// </summary>
    public ReferenceBank WriteBank(Tensor referenceLatents)
    {
        var bank = NewBank();
        using var timestep = zeros([], dtype: ScalarType.Int64, device: referenceLatents.device);
        using var sample = forward(referenceLatents, timestep, bank);
        return bank;
    }

    /// <summary>
    /// UNet forward (no grad). <paramref name="timestep"/> is 0-d (expanded to the batch) or 1-d. When
    /// <paramref name="bank"/> is given, every transformer block appends its LayerNorm1 output to it.
    /// Returns the last up block's output (batch, block_out_channels[0], h, w).
    /// </summary>
    public Tensor forward(Tensor sample, Tensor timestep, ReferenceBank? bank = null)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var dtype = _convIn.weight!.dtype;
        var temb = _timeEmbedding.forward(timestep, sample.shape[0], dtype);
        var x = _convIn.forward(sample.to_type(dtype));
        var skips = new List<Tensor> { x };
        foreach (var block in _downBlocks) x = block.forward(x, temb, bank, skips);
        x = _midBlock.forward(x, temb, bank);
        foreach (var block in _upBlocks) x = block.forward(x, temb, bank, skips);
        return x.MoveToOuterDisposeScope();
    }
}
