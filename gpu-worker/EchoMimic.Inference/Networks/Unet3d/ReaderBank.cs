using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// What the denoising UNet's read-mode blocks hold after <c>ReferenceAttentionControl.update()</c>: per reader block
/// path, its bank tensors (batch, h*w, C) (float16 in the official pipeline, duplicated along the batch for CFG), and
/// whether the reader runs the CFG rule (the first half of the batch, the unconditional rows, ignores the bank).
/// Owns its tensors. Build it with <see cref="ReferenceAttentionControl.Update"/>, or directly from given tensors.
/// </summary>
public sealed class ReaderBank : IDisposable
{
    private readonly Dictionary<string, IReadOnlyList<Tensor>> _entries;

    /// <param name="entries">reader block path -> bank tensors; the bank takes ownership</param>
    /// <param name="classifierFreeGuidance">the reader's <c>do_classifier_free_guidance</c></param>
    public ReaderBank(IReadOnlyDictionary<string, IReadOnlyList<Tensor>> entries, bool classifierFreeGuidance)
    {
        _entries = new Dictionary<string, IReadOnlyList<Tensor>>(StringComparer.Ordinal);
        foreach (var (path, tensors) in entries)
        {
            foreach (var t in tensors) t.DetachFromDisposeScope();
            _entries[path] = tensors;
        }
        ClassifierFreeGuidance = classifierFreeGuidance;
    }

    public bool ClassifierFreeGuidance { get; }

    public IReadOnlyCollection<string> Paths => _entries.Keys;

    /// <summary>The bank tensors of one reader block; empty when it has none (it then attends to itself only).</summary>
    public IReadOnlyList<Tensor> For(string path) => _entries.TryGetValue(path, out var tensors) ? tensors : [];

    public void Dispose()
    {
        foreach (var tensors in _entries.Values)
            foreach (var t in tensors) t.Dispose();
        _entries.Clear();
    }
}
