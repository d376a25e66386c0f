using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet;

/// <summary>
/// diffusers <c>Timesteps</c> (<c>time_proj</c>, no parameters) followed by <c>TimestepEmbedding</c>
/// (<c>time_embedding.linear_1</c> -> SiLU -> <c>linear_2</c>). The sinusoid is computed in float32 and cast to the
/// model dtype, as in <c>UNet2DConditionModel.forward</c>.
/// </summary>
public sealed class TimestepEmbedding : nn.Module
{
    // Submodules are registered explicitly under their official names; TorchSharp's field-name registration would add duplicates.
    protected override void RegisterComponents() { }

    private readonly Linear _linear1, _linear2;
    private readonly int _projectionDim;
    private readonly bool _flipSinToCos;
    private readonly double _freqShift;

    public TimestepEmbedding(int projectionDim, int embeddingDim, bool flipSinToCos, double freqShift, Device? device = null) : base(nameof(TimestepEmbedding))
    {
        _projectionDim = projectionDim;
        _flipSinToCos = flipSinToCos;
        _freqShift = freqShift;
        _linear1 = nn.Linear(projectionDim, embeddingDim, device: device);
        _linear2 = nn.Linear(embeddingDim, embeddingDim, device: device);
        register_module("linear_1", _linear1);
        register_module("linear_2", _linear2);
    }

    /// <summary>Embeds a 0-d or 1-d timestep tensor, expanded to <paramref name="batch"/> rows: (batch, embedding_dim).</summary>
    public Tensor forward(Tensor timestep, long batch, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var device = _linear1.weight!.device;
        var t = (timestep.dim() == 0 ? timestep.unsqueeze(0) : timestep).to(device).expand(batch);
        var projected = Sinusoid(t).to_type(dtype);
        var emb = _linear2.forward(nn.functional.silu(_linear1.forward(projected)));
        return emb.MoveToOuterDisposeScope();
    }

    /// <summary>diffusers <c>get_timestep_embedding</c> (max_period 10000, scale 1).</summary>
    private Tensor Sinusoid(Tensor timesteps)
    {
        int half = _projectionDim / 2;
        // Same operation order as diffusers (scale by -ln(10000), then divide), so float32 rounding matches at t ~ 1000.
        var exponent = arange(0, half, dtype: ScalarType.Float32, device: timesteps.device).mul(-Math.Log(10000.0)).div(half - _freqShift);
        var args = timesteps.to_type(ScalarType.Float32).unsqueeze(1) * exponent.exp().unsqueeze(0);
        var sin = args.sin();
        var cos = args.cos();
        var emb = _flipSinToCos ? cat([cos, sin], -1) : cat([sin, cos], -1);
        if (_projectionDim % 2 == 1) emb = nn.functional.pad(emb, [0, 1, 0, 0]);
        return emb;
    }
}
