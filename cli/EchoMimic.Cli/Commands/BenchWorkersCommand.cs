using System.CommandLine;
using System.Globalization;
using EchoMimic.Cli.Local;
using EchoMimic.Core;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Samples;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic bench workers</c>: wall time of one ~20 s video through the orchestrated render (in-memory Durable
/// Task host, engine workers, demo weights) with 1, 2, ... in-process workers, and the speedup over one worker.
/// Each worker gets cores / workers torch threads. Prints the machine. A benchmark, not a test.
/// </summary>
public sealed class BenchWorkersCommand : IBenchmarkCommand
{
    private const string Text =
        "This benchmark renders one video of about twenty seconds. The render job is planned into overlapping segments, " +
        "and every worker takes segments from the queue and denoises them with the engine. The stitcher blends the overlaps " +
        "and muxes the speech. We measure the wall time with one worker and with more workers, and print the speedup.";

    public Command Build()
    {
        var workers = new Option<string>("--workers") { Description = "comma-separated worker counts", DefaultValueFactory = _ => "1,2" };
        var size = new Option<int>("--size") { Description = "video width and height", DefaultValueFactory = _ => DemoWeights.DefaultSize };
        var steps = new Option<int>("--steps") { Description = "accelerated denoising steps", DefaultValueFactory = _ => 6 };
        var segment = new Option<int>("--segment-length") { Description = "frames per segment", DefaultValueFactory = _ => Core.Segments.SegmentPlanner.DefaultSegmentLength };
        var audio = new Option<string?>("--audio") { Description = "speech to render (default: ~20 s synthesised with espeak-ng)" };
        var command = new Command("workers", "wall time of one ~20 s video with 1 and 2 in-process workers (demo weights)") { workers, size, steps, segment, audio };
        command.SetAction(parse => Run(parse.GetValue(workers)!, parse.GetValue(size), parse.GetValue(steps), parse.GetValue(segment), parse.GetValue(audio)));
        return command;
    }

    public static int Run(string workerList, int size, int steps, int segmentLength, string? audio)
    {
        var counts = workerList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => int.TryParse(w, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new InputException("--workers", $"'{w}' is not a positive number"))
            .ToList();
        var samples = BundledSamples.Find() ?? throw new InputException("samples", "no bundled samples next to the binary");
        var folder = Directory.CreateTempSubdirectory("bench-workers-").FullName;
        try
        {
            if (audio is null)
            {
                audio = Path.Combine(folder, "speech.m4a");
                SpeechSynthesizer.Synthesize(Text, audio);
            }

            Console.WriteLine(MachineDescription.Line());
            using var models = DemoWeights.Create();
            var settings = RenderSettings.AcceleratedDefaults with { Width = size, Height = size, Steps = steps, Noise = NoiseMode.PerFrame };
            var results = new List<(int Workers, double Seconds, int Frames, int Segments)>();
            foreach (var count in counts)
            {
                var request = new RenderRequest(samples.Portrait, audio, samples.Gesture(BundledSamples.DefaultGesture),
                    Path.Combine(folder, $"w{count}", "video.mp4"), settings);
                var result = OrchestratedRender.RunAsync(request, models, count, segmentLength).GetAwaiter().GetResult();
                results.Add((count, result.WallSeconds, result.Frames, result.Segments));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"workers {count}: {result.WallSeconds:F1} s wall for {result.Frames} frames ({result.Frames / settings.Fps:F1} s of video) in {result.Segments} segments, torch threads per worker {Math.Max(1, Environment.ProcessorCount / count)}"));
            }

            var baseline = results.MinBy(r => r.Workers);
            foreach (var r in results.Where(r => r.Workers != baseline.Workers))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"speedup {r.Workers} vs {baseline.Workers} worker(s): {baseline.Seconds / r.Seconds:F2}x ({Environment.ProcessorCount} cores, {size}x{size}, {steps} steps, segment length {segmentLength})"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
