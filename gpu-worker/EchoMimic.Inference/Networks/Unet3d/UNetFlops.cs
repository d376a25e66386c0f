using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// An analytical FLOP count of one <see cref="EmoUNet3D"/> forward from its parameter shapes (docs/precision.md):
/// every conv and linear at 2 × in × out × kernel area × the positions it is applied to (the level's b·f·h·w, the
/// audio tokens for <c>attn2.to_k/to_v</c>, the batch for the time embedding), plus the attention matmuls
/// (q·kᵀ and p·v, 2 × 2 × queries × keys × width per sequence): spatial self-attention over h·w queries and h·w plus
/// the reference bank's keys, audio cross-attention over the audio tokens, temporal attention over the frames.
/// Norms, activations and softmax (element-wise, a few percent) are not counted.
/// </summary>
public static partial class UNetFlops
{
    [GeneratedRegex(@"^(down_blocks|up_blocks)\.(\d+)\.")]
    private static partial Regex BlockLevel();

    /// <param name="model">the UNet (any device, META included: only shapes are read)</param>
    /// <param name="batch">batch (2 with CFG)</param>
    /// <param name="frames">frames per window</param>
    /// <param name="latentHeight">latent height (video height / 8)</param>
    /// <param name="latentWidth">latent width</param>
    /// <param name="audioTokens">audio tokens per frame (50 in the pipeline)</param>
    /// <param name="bankEntries">reference-bank tensors per reader block (1 in the pipeline: the reference image)</param>
    public static UNetFlopCount Count(EmoUNet3D model, long batch, long frames, long latentHeight, long latentWidth, long audioTokens, int bankEntries = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        int levels = model.Config.BlockOutChannels.Count;
        var sides = new (long H, long W)[levels + 1];
        sides[0] = (latentHeight, latentWidth);
        for (int i = 1; i <= levels; i++) sides[i] = ((sides[i - 1].H + 1) / 2, (sides[i - 1].W + 1) / 2);
        long Tokens(int level) => sides[level].H * sides[level].W;

        var readers = model.ReaderBlocks.Select(b => b.Path).ToHashSet(StringComparer.Ordinal);
        double conv = 0, linear = 0, attention = 0;
        foreach (var (key, parameter) in model.named_parameters())
        {
            if (!key.EndsWith(".weight", StringComparison.Ordinal) || parameter.dim() < 2) continue;
            var shape = parameter.shape;
            int level = LevelOf(key, levels);
            long positions = batch * frames * Tokens(level);
            if (key.StartsWith("time_embedding.", StringComparison.Ordinal) || key.Contains(".time_emb_proj.", StringComparison.Ordinal))
                positions = batch;
            else if (key.Contains(".attn2.to_k.", StringComparison.Ordinal) || key.Contains(".attn2.to_v.", StringComparison.Ordinal))
                positions = batch * frames * audioTokens;
            double macs = shape.Aggregate(1L, (a, b) => a * b);
            if (shape.Length == 4) conv += 2 * macs * positions;
            else linear += 2 * macs * positions;

            // One attention module per to_q: its score and value matmuls.
            if (!key.EndsWith(".to_q.weight", StringComparison.Ordinal)) continue;
            long width = shape[0];
            long n = Tokens(level);
            if (key.Contains(".attn1.", StringComparison.Ordinal))
            {
                var block = key[..key.IndexOf(".attn1.", StringComparison.Ordinal)];
                long keys = n * (1 + (readers.Contains(block) ? bankEntries : 0));
                attention += 4.0 * n * keys * width * batch * frames;
            }
            else if (key.Contains(".attn2.", StringComparison.Ordinal))
            {
                attention += 4.0 * n * audioTokens * width * batch * frames;
            }
            else if (key.Contains(".attention_blocks.", StringComparison.Ordinal))
            {
                attention += 4.0 * frames * frames * width * batch * n;
            }
        }
        return new UNetFlopCount(conv, linear, attention);
    }

    /// <summary>The resolution level a weight runs at: its block's level; a downsampler writes the next level, an upsampler the previous one.</summary>
    private static int LevelOf(string key, int levels)
    {
        if (key.StartsWith("mid_block.", StringComparison.Ordinal)) return levels - 1;
        var match = BlockLevel().Match(key);
        if (!match.Success) return 0; // conv_in, conv_out (and the time embedding, counted per batch)
        int index = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (match.Groups[1].Value == "down_blocks") return key.Contains(".downsamplers.", StringComparison.Ordinal) ? index + 1 : index;
        int level = levels - 1 - index;
        return key.Contains(".upsamplers.", StringComparison.Ordinal) ? level - 1 : level;
    }
}
