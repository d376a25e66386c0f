using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// The reference-attention bank written by the reference UNet (official <c>ReferenceAttentionControl</c>, mode
/// "write", fusion_blocks "full"): for every <c>BasicTransformerBlock</c>, in <c>named_modules()</c> order (down blocks,
/// up blocks, then the mid block), the list of its LayerNorm1 outputs (one per forward), each (batch, h*w, C).
/// Owns its tensors; dispose it when the bank is no longer needed.
/// </summary>
public sealed class ReferenceBank : IDisposable
{
    private readonly List<ReferenceBankEntry> _entries;
    private readonly Dictionary<string, ReferenceBankEntry> _byPath;

    /// <param name="blocks">(module path, block width) of every writer block, in named_modules() order</param>
    public ReferenceBank(IEnumerable<(string Path, int Width)> blocks)
    {
        _entries = blocks.Select(b => new ReferenceBankEntry(b.Path, b.Width)).ToList();
        _byPath = _entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
    }

    /// <summary>Entries in named_modules() order.</summary>
    public IReadOnlyList<ReferenceBankEntry> Entries => _entries;

    public ReferenceBankEntry this[string path] => _byPath[path];

    /// <summary>Appends one LayerNorm1 output to a block's list; the bank takes ownership of the tensor.</summary>
    public void Append(string path, Tensor value)
    {
        if (!_byPath.TryGetValue(path, out var entry)) throw new ArgumentException($"no writer block '{path}' in this bank", nameof(path));
        entry.Add(value.DetachFromDisposeScope());
    }

    public void Dispose()
    {
        foreach (var entry in _entries) entry.Dispose();
    }
}
