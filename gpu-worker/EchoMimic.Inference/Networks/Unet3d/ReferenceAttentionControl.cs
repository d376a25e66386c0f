using EchoMimic.Inference.Networks.Unet;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// The bank transfer of <c>src/models/mutual_self_attention.py ReferenceAttentionControl.update()</c> (fusion_blocks
/// "full"): writer blocks (the reference UNet's BasicTransformerBlocks) and reader blocks (the denoising UNet's
/// TemporalBasicTransformerBlocks), each in named_modules() order, are sorted stably by decreasing width and zipped
/// (extra blocks on either side are left out, as zip does); every writer tensor becomes
/// <c>cat([v, v]).to(float16)</c> with CFG, else <c>v.clone().to(float16)</c>. A float32 run therefore reads
/// float16-rounded reference features, exactly like the official one.
/// </summary>
public static class ReferenceAttentionControl
{
    /// <summary>The reader path -> writer path pairs, in the order update() visits them.</summary>
    public static IReadOnlyList<(string Reader, string Writer)> Pairing(ReferenceBank writer, EmoUNet3D reader) =>
        reader.ReaderBlocks.Select(b => (b.Path, b.Width)).OrderBy(b => -b.Width) // OrderBy is stable, like Python's sorted
            .Zip(writer.Entries.OrderBy(e => -e.Width), (r, w) => (r.Path, w.Path)).ToList();

    /// <param name="writer">the bank written by the reference pass</param>
    /// <param name="reader">the denoising UNet that will read it</param>
    /// <param name="doClassifierFreeGuidance">update()'s flag (duplicate for the CFG batch) and the reader's (mask the
    /// unconditional half); the pipelines pass the same value to both</param>
    /// <param name="dtype">update()'s dtype argument (float16 by default, as in the official code)</param>
    public static ReaderBank Update(ReferenceBank writer, EmoUNet3D reader, bool doClassifierFreeGuidance, ScalarType dtype = ScalarType.Float16)
    {
        var entries = new Dictionary<string, IReadOnlyList<Tensor>>(StringComparer.Ordinal);
        foreach (var (readerPath, writerPath) in Pairing(writer, reader))
            entries[readerPath] = writer[writerPath].Tensors
                .Select(v => doClassifierFreeGuidance ? cat([v, v], 0).to_type(dtype) : v.clone().to_type(dtype))
                .ToArray();
        return new ReaderBank(entries, doClassifierFreeGuidance);
    }
}
