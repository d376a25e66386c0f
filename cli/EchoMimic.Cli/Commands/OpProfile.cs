using System.Diagnostics;
using System.Globalization;
using EchoMimic.Inference.Networks.Unet;
using static TorchSharp.torch;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// A kernel profile per op kind at the denoising UNet's first-level shapes (batch·frames maps of 320 channels, h·w
/// tokens): milliseconds per call in float32 and bfloat16 and their ratio, so a bf16/fp32 forward ratio can be
/// traced to the ops that do not speed up.
/// </summary>
public static class OpProfile
{
    public static void Print(long images, long latent, int repeats = 3)
    {
        const long channels = 320, heads = 8;
        long tokens = latent * latent;
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var ops = new (string Name, double Flops, Func<ScalarType, Func<Tensor>> Make)[]
        {
            ("conv3x3 320->320", 2.0 * channels * channels * 9 * images * tokens, d =>
            {
                var x = randn([images, channels, latent, latent]).to_type(d);
                var w = randn([channels, channels, 3, 3]).to_type(d);
                return () => nn.functional.conv2d(x, w, padding: [1, 1]);
            }),
            ("linear 320->320", 2.0 * channels * channels * images * tokens, d =>
            {
                var x = randn([images, tokens, channels]).to_type(d);
                var w = randn([channels, channels]).to_type(d);
                return () => nn.functional.linear(x, w);
            }),
            ("linear 320->2560 + gelu (GEGLU)", 2.0 * channels * 2560 * images * tokens, d =>
            {
                var x = randn([images, tokens, channels]).to_type(d);
                var w = randn([2560, channels]).to_type(d);
                return () =>
                {
                    using var projected = nn.functional.linear(x, w);
                    var halves = projected.chunk(2, -1);
                    using var gate = nn.functional.gelu(halves[1]);
                    return halves[0] * gate;
                };
            }),
            ("self-attention sdpa (bank: 2x keys)", 4.0 * images * tokens * 2 * tokens * channels, d =>
            {
                var q = randn([images, heads, tokens, channels / heads]).to_type(d);
                var k = randn([images, heads, 2 * tokens, channels / heads]).to_type(d);
                return () => nn.functional.scaled_dot_product_attention(q, k, k);
            }),
            ("self-attention matmul+softmax", 4.0 * images * tokens * 2 * tokens * channels, d =>
            {
                var q = randn([images, heads, tokens, channels / heads]).to_type(d);
                var k = randn([images, heads, 2 * tokens, channels / heads]).to_type(d);
                return () => AttentionKernels.MatmulSoftmax(q, k, k);
            }),
            ("temporal attention sdpa (frames)", 4.0 * (images / 2) * (images / 2) * 2 * tokens * channels, d =>
            {
                var q = randn([2 * tokens, heads, images / 2, channels / heads]).to_type(d);
                return () => nn.functional.scaled_dot_product_attention(q, q, q);
            }),
            ("group norm 32 groups", 0, d =>
            {
                var x = randn([images, channels, latent, latent]).to_type(d);
                return () => nn.functional.group_norm(x, 32);
            }),
            ("layer norm", 0, d =>
            {
                var x = randn([images, tokens, channels]).to_type(d);
                return () => nn.functional.layer_norm(x, [channels]);
            }),
            ("silu", 0, d =>
            {
                var x = randn([images, channels, latent, latent]).to_type(d);
                return () => nn.functional.silu(x);
            }),
        };
        Console.WriteLine($"op profile at the first level ({images} maps of {channels}x{latent}x{latent}, best of {repeats}): float32 ms, bfloat16 ms, bf16/fp32");
        foreach (var (name, flops, make) in ops)
        {
            double fp32 = Time(make(ScalarType.Float32), repeats), bf16 = Time(make(ScalarType.BFloat16), repeats);
            var rate = flops > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({flops / fp32 / 1e6:F0} / {flops / bf16 / 1e6:F0} GFLOP/s)") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-38} {fp32,9:F1} {bf16,9:F1} {bf16 / fp32,6:F2}{rate}"));
        }
    }

    private static double Time(Func<Tensor> op, int repeats)
    {
        op().Dispose();
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            op().Dispose();
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }
        return best;
    }
}
