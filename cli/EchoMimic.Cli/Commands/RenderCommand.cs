using System.CommandLine;
using EchoMimic.Cli.Local;
using EchoMimic.Core;
using EchoMimic.Inference.DwPose;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Media;
using RenderSettings = EchoMimic.Inference.Pipeline.RenderSettings;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Torch;
using EchoMimic.Inference.Samples;
using Spectre.Console;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic render</c>: portrait + speech + gesture -> MP4 on this machine. Every flag is optional: the bundled
/// samples (next to the binary), ./pretrained_weights when present (else demo weights), ./out/echomimic.mp4.
/// The render runs as the product does (<see cref="OrchestratedRender"/>): RenderJobOrchestrator on the in-memory
/// Durable Task host with <c>--workers N</c> in-process engine workers; ClipRenderer remains the engine's
/// single-process whole-clip function (parity with the official one-draw noise over the whole clip).
/// </summary>
public sealed class RenderCommand : ICliCommand
{
    public const string DefaultOutput = "out/echomimic.mp4";
    public const string DefaultWeightsFolder = "pretrained_weights";

    public Command Build()
    {
        var image = new Option<string?>("--image") { Description = "reference portrait (PNG, JPEG, WebP); default: the bundled sample" };
        var audio = new Option<string?>("--audio") { Description = "speech (anything ffmpeg reads); default: the bundled sample" };
        var pose = new Option<string?>("--pose") { Description = $"built-in gesture name ({string.Join(", ", GestureLibrary.Names)}), a folder of N.npy frames or a .emgesture file; default: {BundledSamples.DefaultGesture}" };
        var output = new Option<string?>("--out") { Description = $"output MP4 (default: {DefaultOutput}); report.json is written beside it" };
        var weights = new Option<string?>("--weights") { Description = $"official pretrained_weights folder (default: ./{DefaultWeightsFolder} if it exists, else demo weights)" };
        var accelerated = new Option<bool>("--accelerated") { Description = "the accelerated pipeline (6 steps, CFG 1, *_acc checkpoints)" };
        var steps = new Option<int?>("--steps") { Description = "denoising steps (default 30, accelerated 6)" };
        var cfg = new Option<double?>("--cfg") { Description = "classifier-free guidance scale (default 2.5, accelerated 1.0)" };
        var seed = new Option<long?>("--seed") { Description = "noise seed (default 3407, accelerated 420)" };
        var width = new Option<int?>("--width") { Description = "video width, a multiple of 8 (default 768; demo weights 256)" };
        var height = new Option<int?>("--height") { Description = "video height, a multiple of 8 (default 768; demo weights 256)" };
        var fps = new Option<double?>("--fps") { Description = "frames per second (default 24)" };
        var precision = new Option<string?>("--precision") { Description = "networks in fp32, bf16 or fp16 (default: bf16 on CPUs with AVX-512 BF16, else fp32; fp16 on CUDA); scheduler and latents stay float32" };
        var noise = new Option<string?>("--noise") { Description = "official (one draw for the clip, as infer.py) or per-frame (keyed by seed and frame; what cloud segments use)" };
        var workers = new Option<int>("--workers") { Description = "in-process workers rendering segments in parallel (default 1)", DefaultValueFactory = _ => 1 };
        var segmentLength = new Option<int>("--segment-length") { Description = $"frames a segment owns (default {Core.Segments.SegmentPlanner.DefaultSegmentLength}; each renders {Core.Segments.SegmentPlanner.MinimumOverlap} more per seam)", DefaultValueFactory = _ => Core.Segments.SegmentPlanner.DefaultSegmentLength };
        var models = new Option<string?>("--models") { Description = $"DWPose models for the portrait check / --auto-fit / --retarget (default: WEIGHTS/dwpose, i.e. ./{DwPoseModelFiles.DefaultFolder}); without them the check is skipped" };
        var autoFit = new Option<bool>("--auto-fit") { Description = "fit the portrait to the official framing before rendering (as `ref fit`; needs the DWPose models)" };
        var retarget = new Option<bool>("--retarget") { Description = "fit the gesture to the portrait's body (default: on for a gesture folder/file you pass, off for built-in gestures; needs the DWPose models)" };
        var noRetarget = new Option<bool>("--no-retarget") { Description = "render the gesture as it is" };
        var command = new Command("render", "render a talking, gesturing video from a portrait, a speech clip and a gesture")
        {
            image, audio, pose, output, weights, accelerated, steps, cfg, seed, width, height, fps, noise, precision, workers, segmentLength, models, autoFit, retarget, noRetarget,
        };
        command.SetAction(parse =>
        {
            var options = new RenderOptions(parse.GetValue(image), parse.GetValue(audio), parse.GetValue(pose), parse.GetValue(output),
                parse.GetValue(weights), parse.GetValue(accelerated), parse.GetValue(steps), parse.GetValue(cfg), parse.GetValue(seed),
                parse.GetValue(width), parse.GetValue(height), parse.GetValue(fps), parse.GetValue(noise))
            {
                Precision = parse.GetValue(precision),
                Workers = parse.GetValue(workers),
                SegmentLength = parse.GetValue(segmentLength),
                Models = parse.GetValue(models),
                AutoFit = parse.GetValue(autoFit),
                Retarget = parse.GetValue(retarget) ? true : null,
                NoRetarget = parse.GetValue(noRetarget),
            };
            return Run(options);
        });
        return command;
    }

    /// <summary>The parsed flags (null = not given).</summary>
    public sealed record RenderOptions(string? Image, string? Audio, string? Pose, string? Output, string? Weights, bool Accelerated,
        int? Steps, double? Cfg, long? Seed, int? Width, int? Height, double? Fps, string? Noise)
    {
        /// <summary>In-process workers (issue 10: <c>--workers N</c>, default 1).</summary>
        public int Workers { get; init; } = 1;

        /// <summary><c>--precision fp32|bf16|fp16</c>; null = the device default (TorchPrecision.DefaultFor).</summary>
        public string? Precision { get; init; }

        public int SegmentLength { get; init; } = Core.Segments.SegmentPlanner.DefaultSegmentLength;

        /// <summary>DWPose models folder (<c>--models</c>); null = WEIGHTS/dwpose, i.e. ./pretrained_weights/dwpose.</summary>
        public string? Models { get; init; }

        /// <summary><c>--auto-fit</c>: fit the portrait to the official framing before rendering.</summary>
        public bool AutoFit { get; init; }

        /// <summary><c>--retarget</c> (true) / <c>--no-retarget</c> (false); null = on for a user gesture, off for a bundled one.</summary>
        public bool? Retarget { get; init; }

        /// <summary><c>--no-retarget</c> as given (contradicts <see cref="Retarget"/> = true).</summary>
        public bool NoRetarget { get; init; }

        /// <summary>How the preflight poses the portrait once the models are present (tests: synthetic keypoints); null = DWPose.</summary>
        public Func<DwPoseModelFiles, IPreflightPoser>? OpenPoser { get; init; }
    }

    public static int Run(RenderOptions o)
    {
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancellation.Cancel(); };
        Console.CancelKeyPress += onCancel;
        string? work = null;
        try
        {
            // ffmpeg decodes the audio and encodes the video: a missing one stops the render before any work.
            MediaTools.RequireFfmpeg();
            var request = Resolve(o, out var loadModels);
            var givenPose = request.PoseFolder;
            work = Directory.CreateTempSubdirectory("echomimic-preflight-").FullName;
            request = RenderGesture.AsPoseFolder(request, work);
            OrchestratedRender.Check(request, o.Workers, o.SegmentLength, cancellation.Token);
            // Preprocessing on the CLI side before the job is submitted (docs/gestures.md): the job gets its results as inputs.
            var preflight = PreflightCheck.Run(request, PreflightOptionsOf(o), work);
            foreach (var message in preflight.Messages) Console.Error.WriteLine(message);
            request = preflight.Request;
            using var models = loadModels();
            if (models.IsDemo)
                AnsiConsole.MarkupLine("[black on yellow] DEMO WEIGHTS [/] [yellow]no pretrained_weights folder: tiny seeded networks run every stage; the video shows no real person. Use --weights DIR for the official model.[/]");
            // The product's path (issue 10): RenderJobOrchestrator on the in-memory Durable Task host, N in-process workers.
            var result = AnsiConsole.Profile.Capabilities.Interactive
                ? AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(context => OrchestratedRender.RunAsync(request, models, o.Workers, o.SegmentLength, new ConsoleRenderProgress(context), cancellation.Token))
                    .GetAwaiter().GetResult()
                : OrchestratedRender.RunAsync(request, models, o.Workers, o.SegmentLength, null, cancellation.Token).GetAwaiter().GetResult();
            PreflightArtefacts.Keep(preflight, result, givenPose);
            AnsiConsole.MarkupLine($"[green]done[/] {Markup.Escape(result.Video)} ({result.Frames} frames in {result.Segments} segments on {o.Workers} worker(s), seam ratio {result.SeamRatio?.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) ?? "n/a"}, {result.WallSeconds:F1} s); report.json beside it");
            return 0;
        }
        catch (Exception e) when (e is InputException or PrerequisiteException || (e is RenderJobFailedException && !cancellation.IsCancellationRequested))
        {
            return Program.Report(e, Program.Verbose);
        }
        catch (Exception e) when (e is OperationCanceledException || cancellation.IsCancellationRequested)
        {
            // Ctrl-C also reaches ffmpeg (same process group), so a broken pipe can arrive before the token is seen.
            Console.Error.WriteLine("cancelled: no output written");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            if (work is not null && Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The preflight's flags: a gesture given as a path (folder or .emgesture) is the user's, a name is bundled.</summary>
    public static PreflightOptions PreflightOptionsOf(RenderOptions o)
    {
        if (o.Retarget == true && o.NoRetarget) throw new InputException("--retarget", "--retarget and --no-retarget contradict each other");
        var models = o.Models ?? Path.Combine(o.Weights ?? DefaultWeightsFolder, "dwpose");
        return new PreflightOptions(models, o.AutoFit, o.NoRetarget ? false : o.Retarget, IsPath(o.Pose) && !IsBundled(o.Pose!)) { OpenPoser = o.OpenPoser };
    }

    /// <summary>A path into the bundled samples' gestures (drawn in the official framing) counts as bundled.</summary>
    private static bool IsBundled(string path) =>
        new[] { BundledSamples.Find()?.Folder, Inference.RepositoryRoot.Find() is { } root ? Path.Combine(root, "samples") : null }
            .OfType<string>()
            .Any(samples => Path.GetFullPath(path).StartsWith(Path.GetFullPath(Path.Combine(samples, BundledSamples.GesturesFolder)) + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    private static bool IsPath(string? pose) =>
        pose is { } p && (Directory.Exists(p) || File.Exists(p) || p.Contains('/') || p.Contains('\\') || p.EndsWith(GestureFile.Extension, StringComparison.OrdinalIgnoreCase));

    /// <summary>Resolves defaults and checks the cheap things (files, names, sizes) before any network is built.</summary>
    public static RenderRequest Resolve(RenderOptions o, out Func<PipelineModels> loadModels)
    {
        var samples = BundledSamples.Find();
        string Sample(string flag, Func<BundledSamples, string> pick) =>
            samples is null ? throw new InputException(flag, "no bundled samples found next to the binary; give the file") : pick(samples);
        var image = o.Image ?? Sample("--image", s => s.Portrait);
        var audio = o.Audio ?? Sample("--audio", s => s.Speech);
        var pose = IsPath(o.Pose)
            ? o.Pose!
            : Sample("--pose", s => s.Gesture(o.Pose ?? BundledSamples.DefaultGesture));
        if (File.Exists(pose) && !pose.EndsWith(GestureFile.Extension, StringComparison.OrdinalIgnoreCase))
            throw new InputException(pose, $"not a gesture: expected a folder of N.npy frames or a {GestureFile.Extension} file");
        if (!Directory.Exists(pose) && !File.Exists(pose)) throw new InputException(pose, "pose folder does not exist");
        if (!File.Exists(image) && !Directory.Exists(image)) throw new InputException(image, "image file does not exist");
        if (!File.Exists(audio) && !Directory.Exists(audio)) throw new InputException(audio, "audio file does not exist");

        var weightsDir = o.Weights ?? (Directory.Exists(DefaultWeightsFolder) ? DefaultWeightsFolder : null);
        bool demo = weightsDir is null;
        if (weightsDir is not null && !Directory.Exists(weightsDir)) throw new InputException(weightsDir, "weights folder does not exist");
        bool noSize = o.Width is null && o.Height is null;
        bool accelerated = o.Accelerated || (demo && o.Steps is null && o.Cfg is null);
        var defaults = accelerated ? RenderSettings.AcceleratedDefaults : RenderSettings.Standard;
        int defaultSize = demo && noSize ? DemoWeights.DefaultSize : 768;
        var settings = defaults with
        {
            Width = o.Width ?? o.Height ?? defaultSize,
            Height = o.Height ?? o.Width ?? defaultSize,
            Steps = o.Steps ?? defaults.Steps,
            GuidanceScale = o.Cfg ?? defaults.GuidanceScale,
            Seed = o.Seed ?? defaults.Seed,
            Fps = o.Fps ?? defaults.Fps,
            Accelerated = accelerated,
            Noise = o.Noise switch
            {
                null or "official" => NoiseMode.Official,
                "per-frame" => NoiseMode.PerFrame,
                _ => throw new InputException("--noise", $"'{o.Noise}' is not a noise mode (official or per-frame)"),
            },
        };
        if (settings.Width % 8 != 0 || settings.Width <= 0) throw new InputException("--width", $"{settings.Width} is not a positive multiple of 8");
        if (settings.Height % 8 != 0 || settings.Height <= 0) throw new InputException("--height", $"{settings.Height} is not a positive multiple of 8");
        if (settings.Steps is < 1 or > 1000) throw new InputException("--steps", $"{settings.Steps} is outside 1..1000");
        if (!(settings.Fps > 0 && settings.Fps <= 120)) throw new InputException("--fps", $"{settings.Fps} is outside (0, 120]");
        if (!(settings.GuidanceScale >= 0)) throw new InputException("--cfg", $"{settings.GuidanceScale} must be >= 0");

        if (weightsDir is not null) PretrainedWeights.Require(weightsDir, accelerated);
        var requested = o.Precision is { } p ? PrecisionNames.Parse(p, "--precision") : (Precision?)null;
        var (precision, reason) = TorchPrecision.Resolve(requested, $"--precision {o.Precision}", TorchSharp.torch.CPU);
        loadModels = () =>
        {
            var loaded = demo ? DemoWeights.Create().ToPrecision(precision) : PretrainedWeights.Load(weightsDir!, accelerated, precision);
            loaded.PrecisionReason = reason;
            return loaded;
        };
        return new RenderRequest(image, audio, pose, o.Output ?? DefaultOutput, settings);
    }
}
