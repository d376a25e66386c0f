using EchoMimic.Inference.Networks.Unet;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// <c>src/models/attention.py TemporalBasicTransformerBlock</c> running the read-mode forward that the official
/// <c>ReferenceAttentionControl</c> installs (<c>src/models/mutual_self_attention.py</c>): its own forward is a stub.
/// norm = norm1(h); keys/values = [norm, bank repeated over the frames]; h = attn1(norm, kv) + h, except that with
/// CFG the first half of the rows (unconditional) gets attn1(norm, norm) + h; h = attn2(norm2(h), audio) * 3 + h;
/// h = ff(norm3(h)) + h. Parameters in the official order: attn1, norm1, attn2, norm2, ff, norm3 (+ attn_temp,
/// norm_temp when temporal attention is configured; the read-mode forward never runs them).
/// </summary>
public sealed class TemporalBasicTransformerBlock : nn.Module
{
    /// <summary><c>audio_feature_ratio</c> default of the official read-mode forward.</summary>
    public const double AudioFeatureRatio = 3.0;

    private readonly Attention _attn1, _attn2;
    private readonly LayerNorm _norm1, _norm2, _norm3;
    private readonly FeedForward _ff;

    public int Width { get; }

    /// <summary>This block's <c>named_modules()</c> path; the key of its bank in <see cref="ReaderBank"/>.</summary>
    public string Path { get; internal set; } = "";

    public TemporalBasicTransformerBlock(int dim, int heads, int dimHead, int crossAttentionDim, bool temporalAttention, Device? device = null) : base(nameof(TemporalBasicTransformerBlock))
    {
        Width = dim;
        _attn1 = new Attention(dim, heads, dimHead, device: device);
        _norm1 = nn.LayerNorm(dim, device: device);
        _attn2 = new Attention(dim, heads, dimHead, crossAttentionDim, device: device);
        _norm2 = nn.LayerNorm(dim, device: device);
        _ff = new FeedForward(dim, device: device);
        _norm3 = nn.LayerNorm(dim, device: device);
        register_module("attn1", _attn1);
        register_module("norm1", _norm1);
        register_module("attn2", _attn2);
        register_module("norm2", _norm2);
        register_module("ff", _ff);
        register_module("norm3", _norm3);
        if (temporalAttention)
        {
            register_module("attn_temp", new Attention(dim, heads, dimHead, device: device));
            register_module("norm_temp", nn.LayerNorm(dim, device: device));
        }
    }

    // Submodules are registered explicitly under their official names.
    protected override void RegisterComponents() { }

    /// <param name="hidden">tokens ((b f), h*w, C), rows ordered (batch, frame)</param>
    public Tensor forward(Tensor hidden, DenoisingStep step)
    {
        using var scope = NewDisposeScope();
        var norm = _norm1.forward(hidden);
        var bank = step.Bank?.For(Path) ?? [];
        long rows = hidden.shape[0];
        Tensor h;
        if (step.Bank is { ClassifierFreeGuidance: true })
        {
            // The official uc_mask: True for the first rows/2 rows (the unconditional half of the CFG batch).
            if (rows % 2 != 0) throw new ArgumentException($"classifier-free guidance needs an even number of (batch x frame) rows, got {rows}", nameof(hidden));
            long half = rows / 2;
            var unconditional = _attn1.forward(norm.narrow(0, 0, half)).add_(hidden.narrow(0, 0, half));
            var conditional = AttendWithBank(norm, hidden, bank, half, rows, step.Frames);
            h = cat([unconditional, conditional], 0);
        }
        else
        {
            h = AttendWithBank(norm, hidden, bank, 0, rows, step.Frames);
        }
        h = _attn2.forward(_norm2.forward(h), step.Audio).mul_(AudioFeatureRatio).add_(h);
        h = _ff.forward(_norm3.forward(h)).add_(h);
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// attn1(norm[r], cat([norm[r], bank[r / f]...], tokens)) + hidden[r] for rows r in [start, end). The bank tokens
    /// are projected once per batch row and shared by its frames, which equals projecting the official
    /// frame-repeated concat. The official concat promotes the float16 bank to the activations' dtype.
    /// </summary>
    private Tensor AttendWithBank(Tensor norm, Tensor hidden, IReadOnlyList<Tensor> bank, long start, long end, long frames)
    {
        var rowsNorm = norm.narrow(0, start, end - start);
        var q = _attn1.ProjectQuery(rowsNorm);
        var keys = new List<Tensor> { _attn1.ProjectKey(rowsNorm) };
        var values = new List<Tensor> { _attn1.ProjectValue(rowsNorm) };
        if (bank.Count > 0)
        {
            var batchOfRow = arange(start, end, dtype: ScalarType.Int64, device: norm.device).div_(frames, rounding_mode: RoundingMode.floor);
            foreach (var entry in bank)
            {
                var tokens = entry.to(norm.dtype, norm.device);
                keys.Add(_attn1.ProjectKey(tokens).index_select(0, batchOfRow));
                values.Add(_attn1.ProjectValue(tokens).index_select(0, batchOfRow));
            }
        }
        var k = keys.Count == 1 ? keys[0] : cat(keys, 1);
        var v = values.Count == 1 ? values[0] : cat(values, 1);
        return _attn1.Attend(q, k, v).add_(hidden.narrow(0, start, end - start));
    }
}
