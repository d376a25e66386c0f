namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>Floating-point operations of one forward, split by kind (a multiply-add counts 2).</summary>
public sealed record UNetFlopCount(double Convolution, double Linear, double AttentionMatmul)
{
    public double Total => Convolution + Linear + AttentionMatmul;
}
