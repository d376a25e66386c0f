using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EchoMimic.Core;
using EchoMimic.Inference.Networks.Unet3d;
using static TorchSharp.torch;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic bench unet</c>: seconds per denoising-UNet forward on CPU at the official width (random weights),
/// one context window as the pipeline runs it: 12 frames, CFG batch 2, 256x256 video (32x32 latents), 50 audio tokens
/// of 384, pose features, a float16 reference bank. Prints the machine it ran on. A benchmark, not a test.
/// </summary>
public sealed class BenchUnetCommand : IBenchmarkCommand
{
    public Command Build()
    {
        var size = new Option<int>("--size") { Description = "video height and width in pixels (latents are size/8)", DefaultValueFactory = _ => 256 };
        var frames = new Option<int>("--frames") { Description = "frames per context window", DefaultValueFactory = _ => 12 };
        var runs = new Option<int>("--runs") { Description = "timed forwards", DefaultValueFactory = _ => 1 };
        var warmup = new Option<int>("--warmup") { Description = "untimed forwards first", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "torch intra-op threads (default: libtorch's choice)" };
        var unet = new Command("unet", "seconds per denoising-UNet forward (official width, random weights, CPU)") { size, frames, runs, warmup, threads };
        unet.SetAction(parse => Run(parse.GetValue(size), parse.GetValue(frames), parse.GetValue(runs), parse.GetValue(warmup), parse.GetValue(threads)));
        return unet;
    }

    public static int Run(int size, int frames, int runs, int warmup, int? threads)
    {
        if (size <= 0 || size % 8 != 0) throw new InputException("--size", "must be a positive multiple of 8");
        if (frames is <= 0 or > 32) throw new InputException("--frames", "must be 1..32 (the motion modules' position table has 32 rows)");
        if (runs <= 0) throw new InputException("--runs", "must be at least 1");
        if (warmup < 0) throw new InputException("--warmup", "must not be negative");
        if (threads is { } t) set_num_threads(t);
        long latent = size / 8;
        var config = EmoUNet3DConfig.Official;

        var clock = Stopwatch.StartNew();
        using var model = new EmoUNet3D(config);
        model.eval();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"built EmoUNet3D (official config, {model.parameters().Sum(p => p.numel()) / 1e6:F0}M parameters, float32, random) in {clock.Elapsed.TotalSeconds:F1} s"));

        using var scope = NewDisposeScope();
        var latents = randn([1, 4, frames, latent, latent]).expand(2, -1, -1, -1, -1).contiguous();
        var timestep = tensor(999L);
        var audio = cat([zeros([1, frames, 50, config.CrossAttentionDim]), randn([1, frames, 50, config.CrossAttentionDim])], 0);
        var pose = cat([zeros([1, config.BlockOutChannels[0], frames, latent, latent]), randn([1, config.BlockOutChannels[0], frames, latent, latent])], 0);
        using var bank = SyntheticBank(model, latent);

        var seconds = new List<double>();
        var cpuSeconds = new List<double>();
        using (inference_mode())
        {
            for (int i = 0; i < warmup + runs; i++)
            {
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                clock.Restart();
                using var noise = model.forward(latents, timestep, audio, pose, bank);
                var wall = clock.Elapsed.TotalSeconds;
                // CPU time tells what the forward costs when other processes share the cores (wall time does not).
                var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                if (i >= warmup)
                {
                    seconds.Add(wall);
                    cpuSeconds.Add(cpu);
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(i < warmup ? "warmup" : "run")} {i + 1}: {wall:F2} s wall, {cpu:F1} s CPU"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"denoising UNet forward: {seconds.Average():F2} s wall (mean of {runs}; min {seconds.Min():F2} s), {cpuSeconds.Average():F1} CPU-seconds " +
            $"at {size}x{size}, {frames} frames, batch 2 (CFG), float32, CPU"));
        Console.WriteLine(MachineDescription.Line());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"torch threads {get_num_threads()}, libtorch {__version__}, peak resident {(MachineDescription.ProcBytes("/proc/self/status", "VmHWM") ?? Process.GetCurrentProcess().PeakWorkingSet64) / 1e9:F1} GB, load average {LoadAverage()}"));
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
