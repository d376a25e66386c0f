using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EchoMimic.Core;
using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Networks.Unet;
using EchoMimic.Inference.Torch;
using TorchSharp;
using EchoMimic.Inference.Networks.Unet3d;
using static TorchSharp.torch;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic bench unet</c>: seconds per denoising-UNet forward on CPU at the official width (random weights),
/// one context window as the pipeline runs it: 12 frames, CFG batch 2, 256x256 video (32x32 latents), 50 audio tokens
/// of 384, pose features, a float16 reference bank. <c>--precision fp32,bf16</c> times each precision in turn within
/// every run (so machine load falls on both alike). Prints GFLOP/s from the analytical count (<see cref="UNetFlops"/>),
/// the ratio to this machine's own measured float32 and bfloat16 matmul peaks, both attention kernels at the
/// first level's shape, and the machine. A benchmark, not a test.
/// </summary>
public sealed class BenchUnetCommand : IBenchmarkCommand
{
    public Command Build()
    {
        var size = new Option<int>("--size") { Description = "video height and width in pixels (latents are size/8)", DefaultValueFactory = _ => 256 };
        var frames = new Option<int>("--frames") { Description = "frames per context window", DefaultValueFactory = _ => 12 };
        var runs = new Option<int>("--runs") { Description = "timed forwards (per precision)", DefaultValueFactory = _ => 1 };
        var warmup = new Option<int>("--warmup") { Description = "untimed forwards first (per precision)", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "torch intra-op threads (default: libtorch's choice)" };
        var precision = new Option<string>("--precision") { Description = "fp32, bf16, fp16, or a comma list timed in turn (fp32,bf16)", DefaultValueFactory = _ => "fp32" };
        var attention = new Option<string>("--attention") { Description = "attention kernel: auto (matmul+softmax for bf16, sdpa otherwise), sdpa or matmul", DefaultValueFactory = _ => "auto" };
        var peak = new Option<int>("--peak-size") { Description = "n of the n³ matmuls that measure the machine's peaks (0: skip)", DefaultValueFactory = _ => 4096 };
        var unet = new Command("unet", "seconds per denoising-UNet forward (official width, random weights, CPU)") { size, frames, runs, warmup, threads, precision, attention, peak };
        unet.SetAction(parse => Run(parse.GetValue(size), parse.GetValue(frames), parse.GetValue(runs), parse.GetValue(warmup), parse.GetValue(threads),
            parse.GetValue(precision)!, parse.GetValue(attention)!, parse.GetValue(peak)));
        return unet;
    }

    public static int Run(int size, int frames, int runs, int warmup, int? threads, string precisionList = "fp32", string attentionKernel = "auto", int peakSize = 4096)
    {
        if (size <= 0 || size % 8 != 0) throw new InputException("--size", "must be a positive multiple of 8");
        if (frames is <= 0 or > 32) throw new InputException("--frames", "must be 1..32 (the motion modules' position table has 32 rows)");
        if (runs <= 0) throw new InputException("--runs", "must be at least 1");
        if (warmup < 0) throw new InputException("--warmup", "must not be negative");
        if (peakSize < 0) throw new InputException("--peak-size", "must not be negative");
        var precisions = precisionList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => PrecisionNames.Parse(p, "--precision")).Distinct().ToArray();
        if (precisions.Length == 0) throw new InputException("--precision", "names no precision (fp32, bf16, fp16)");
        AttentionKernels.Kernel = attentionKernel.ToLowerInvariant() switch
        {
            "auto" => AttentionKernel.Auto,
            "sdpa" => AttentionKernel.Sdpa,
            "matmul" => AttentionKernel.MatmulSoftmax,
            _ => throw new InputException("--attention", $"'{attentionKernel}' must be auto, sdpa or matmul"),
        };
        if (threads is { } t) set_num_threads(t);
        long latent = size / 8;
        var config = EmoUNet3DConfig.Official;
        string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

        var clock = Stopwatch.StartNew();
        using var model = new EmoUNet3D(config);
        model.eval();
        Console.WriteLine(F($"built EmoUNet3D (official config, {model.parameters().Sum(p => p.numel()) / 1e6:F0}M parameters, float32, random) in {clock.Elapsed.TotalSeconds:F1} s"));
        var flops = UNetFlops.Count(model, 2, frames, latent, latent, 50);
        Console.WriteLine(F($"analytical count: {flops.Total / 1e12:F3} TFLOP per forward (conv {flops.Convolution / 1e12:F3}, linear {flops.Linear / 1e12:F3}, attention matmuls {flops.AttentionMatmul / 1e12:F3}; docs/precision.md)"));

        double? peak32 = null, peak16 = null;
        if (peakSize > 0)
        {
            peak32 = KernelPeaks.MatmulGflops(ScalarType.Float32, peakSize);
            peak16 = KernelPeaks.MatmulGflops(ScalarType.BFloat16, peakSize);
            Console.WriteLine(F($"machine peaks ({peakSize}³ matmul, best of 3): float32 {peak32:F0} GFLOP/s, bfloat16 {peak16:F0} GFLOP/s"));
        }
        // The first level's spatial self-attention: queries h·w, keys h·w + the bank's h·w, 8 heads of 40.
        long sequences = 2L * frames, tokens = latent * latent, heads = config.AttentionHeads[0], headDim = config.BlockOutChannels[0] / heads;
        foreach (var p in precisions.Where(p => p != Precision.Fp16))
        {
            var dtype = p.ToScalarType();
            double sdpa = KernelPeaks.AttentionGflops(AttentionKernel.Sdpa, dtype, sequences, heads, tokens, 2 * tokens, headDim);
            double mm = KernelPeaks.AttentionGflops(AttentionKernel.MatmulSoftmax, dtype, sequences, heads, tokens, 2 * tokens, headDim);
            Console.WriteLine(F($"attention {p.Name()} ({sequences}x{heads} sequences, {tokens} queries, {2 * tokens} keys, d {headDim}): sdpa {sdpa:F0} GFLOP/s, matmul+softmax {mm:F0} GFLOP/s; used: {AttentionKernels.Resolve(dtype)}"));
        }

        using var scope = NewDisposeScope();
        var latents = randn([1, 4, frames, latent, latent]).expand(2, -1, -1, -1, -1).contiguous();
        var timestep = tensor(999L);
        var audio = cat([zeros([1, frames, 50, config.CrossAttentionDim]), randn([1, frames, 50, config.CrossAttentionDim])], 0);
        var pose = cat([zeros([1, config.BlockOutChannels[0], frames, latent, latent]), randn([1, config.BlockOutChannels[0], frames, latent, latent])], 0);
        using var bank = SyntheticBank(model, latent);

        var seconds = precisions.ToDictionary(p => p, _ => new List<double>());
        var cpuSeconds = precisions.ToDictionary(p => p, _ => new List<double>());
        var current = ScalarType.Float32;
        using (inference_mode())
        {
            for (int i = 0; i < warmup + runs; i++)
            {
                foreach (var p in precisions)
                {
                    // Random weights: casting back and forth changes values, not the work a forward does.
                    if (p.ToScalarType() != current) model.to(current = p.ToScalarType());
                    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    clock.Restart();
                    using var noise = model.forward(latents, timestep, audio, pose, bank);
                    var wall = clock.Elapsed.TotalSeconds;
                    // CPU time tells what the forward costs when other processes share the cores (wall time does not).
                    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                    if (i >= warmup)
                    {
                        seconds[p].Add(wall);
                        cpuSeconds[p].Add(cpu);
                    }
                    Console.WriteLine(F($"{(i < warmup ? "warmup" : "run")} {i + 1} {p.Name()}: {wall:F2} s wall, {cpu:F1} s CPU, load average {LoadAverage()}"));
                }
            }
        }

        foreach (var p in precisions)
        {
            double mean = seconds[p].Average(), gflops = flops.Total / mean / 1e9;
            var ratios = peak32 is { } a && peak16 is { } b ? F($", {gflops / a:P0} of the float32 peak, {gflops / b:P0} of the bfloat16 peak") : "";
            Console.WriteLine(F($"denoising UNet forward {p.Name()}: {mean:F2} s wall (mean of {runs}; min {seconds[p].Min():F2} s), {cpuSeconds[p].Average():F1} CPU-seconds, {gflops:F0} GFLOP/s{ratios} ") +
                F($"at {size}x{size}, {frames} frames, batch 2 (CFG), CPU"));
        }
        if (seconds.TryGetValue(Precision.Fp32, out var fp32) && seconds.TryGetValue(Precision.Bf16, out var bf16))
            Console.WriteLine(F($"bf16 / fp32: {bf16.Average() / fp32.Average():F2} wall, {cpuSeconds[Precision.Bf16].Average() / cpuSeconds[Precision.Fp32].Average():F2} CPU (target <= 0.60)"));
        Console.WriteLine(MachineDescription.Line() + (TorchPrecision.CpuHasNativeBf16() ? " (avx512_bf16)" : ""));
        Console.WriteLine(F($"torch threads {get_num_threads()}, libtorch {__version__}, peak resident {(MachineDescription.ProcBytes("/proc/self/status", "VmHWM") ?? Process.GetCurrentProcess().PeakWorkingSet64) / 1e9:F1} GB, load average {LoadAverage()}"));
        return 0;
    }

    /// <summary>A CFG-duplicated float16 bank of the right shape for every reader block (the reference UNet is not run).</summary>
    private static ReaderBank SyntheticBank(EmoUNet3D model, long latent)
    {
        int levels = model.Config.BlockOutChannels.Count;
        var entries = new Dictionary<string, IReadOnlyList<Tensor>>(StringComparer.Ordinal);
        foreach (var block in model.ReaderBlocks)
        {
            var parts = block.Path.Split('.');
            int level = parts[0] switch
            {
                "down_blocks" => int.Parse(parts[1], CultureInfo.InvariantCulture),
                "up_blocks" => levels - 1 - int.Parse(parts[1], CultureInfo.InvariantCulture),
                _ => levels - 1,
            };
            long side = latent;
            for (int i = 0; i < level; i++) side = (side + 1) / 2;
            var v = randn([1, side * side, block.Width]);
            entries[block.Path] = [cat([v, v], 0).to_type(ScalarType.Float16)];
        }
        return new ReaderBank(entries, classifierFreeGuidance: true);
    }

    /// <summary>The 1/5/15-minute load average: timings on a shared machine mean little without it.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
