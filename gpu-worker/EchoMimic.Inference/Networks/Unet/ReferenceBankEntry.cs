using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>One writer block's bank: its module path, its width (norm1 size, the key the official pairing sorts by) and its tensors.</summary>
public sealed class ReferenceBankEntry(string path, int width) : IDisposable
{
    private readonly List<Tensor> _tensors = [];

    public string Path { get; } = path;
    public int Width { get; } = width;
    public IReadOnlyList<Tensor> Tensors => _tensors;

    internal void Add(Tensor value) => _tensors.Add(value);

    public void Dispose()
    {
        foreach (var t in _tensors) t.Dispose();
        _tensors.Clear();
    }
}
