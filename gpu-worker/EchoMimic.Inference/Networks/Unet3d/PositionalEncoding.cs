using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// The motion modules' <c>PositionalEncoding</c> (<c>src/models/motion_module.py</c>): a persistent buffer <c>pe</c>
/// (1, max_len, C) with pe[p, 2i] = sin(p / 10000^(2i/C)), pe[p, 2i+1] = cos(same), added to frame positions 0..f-1.
/// The buffer is part of the state dict, so checkpoints overwrite it with their own copy.
/// </summary>
public sealed class PositionalEncoding : nn.Module
{
    public int MaxLength { get; }

    public PositionalEncoding(int dim, int maxLength, Device? device = null) : base(nameof(PositionalEncoding))
    {
        MaxLength = maxLength;
        var position = arange(maxLength, dtype: ScalarType.Float32, device: device).unsqueeze(1);
        var divTerm = (arange(0, dim, 2, dtype: ScalarType.Float32, device: device) * (-Math.Log(10000.0) / dim)).exp();
        var pe = zeros([1, maxLength, dim], device: device);
        var angles = position * divTerm;
        pe[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, null, 2)] = angles.sin();
        pe[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(1, null, 2)] = angles.cos()[TensorIndex.Colon, TensorIndex.Slice(0, dim / 2)];
        register_buffer("pe", pe);
    }

    // The buffer is registered explicitly under its official name.
    protected override void RegisterComponents() { }

    /// <summary>x (N, f, C) + pe[:, :f].</summary>
    public Tensor forward(Tensor x)
    {
        long frames = x.shape[1];
        if (frames > MaxLength)
            throw new ArgumentException($"{frames} frames exceed the motion modules' temporal_position_encoding_max_len {MaxLength}", nameof(x));
        // Read through the registry: module.to(dtype or device) replaces the buffer tensor.
        using var slice = get_buffer("pe")![TensorIndex.Colon, TensorIndex.Slice(0, frames)];
        return x + slice;
    }
}
