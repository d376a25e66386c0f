using System.CommandLine;
using EchoMimic.Core;
using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Hub;
using EchoMimic.Inference.Media;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic weights check DIR [--accelerated]</c>: validates an official <c>pretrained_weights/</c> folder against
/// the embedded manifests (exit 0 pass, 1 fail, 2 no such folder). <c>echomimic weights layout --out DIR</c>: writes
/// the full-size layouts of our modules in the manifests' JSON schema, one file per module.
/// <c>echomimic weights download [--dir DIR] [--accelerated] [--dwpose]</c>: fetches the official files from the hub
/// (<see cref="OfficialWeightFiles"/>, <see cref="HubFileDownloader"/>), then runs the check on the folder.
/// </summary>
public sealed class WeightsCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("weights", "download and check the official pretrained_weights/ folder; write our module layouts");
        command.Subcommands.Add(BuildCheck());
        command.Subcommands.Add(BuildDownload());
        command.Subcommands.Add(BuildLayout());
        return command;
    }

    private static Command BuildCheck()
    {
        var dir = new Argument<string>("DIR") { Description = "the official pretrained_weights/ folder" };
        var accelerated = new Option<bool>("--accelerated") { Description = "check the infer_acc.py file set (denoising_unet_acc.pth, motion_module_acc.pth)" };
        var check = new Command("check", "report every expected file (present, missing, size, dtype) and every missing, unexpected or mis-shaped key") { dir, accelerated };
        check.SetAction(parse => Check(parse.GetValue(dir)!, parse.GetValue(accelerated)));
        return check;
    }

    public static int Check(string directory, bool accelerated)
    {
        if (!Directory.Exists(directory)) throw new InputException(directory, "weights folder does not exist");
        var report = WeightsCheck.Run(directory, accelerated);
        foreach (var line in report.Lines()) Console.WriteLine(line);
        return report.Passed ? 0 : 1;
    }

    private static Command BuildLayout()
    {
        var output = new Option<string>("--out") { Description = "folder to write <module>.json layouts into", Required = true };
        var layout = new Command("layout", "write the full-size layouts of our modules in the weights-manifest JSON schema") { output };
        layout.SetAction(parse => Layout(parse.GetValue(output)!, FullSizeModules.All));
        return layout;
    }

    public static int Layout(string outputDirectory, IReadOnlyList<FullSizeModule> modules)
    {
        WritableOutput.Folder(outputDirectory);
        if (modules.Count == 0)
        {
            Console.Error.WriteLine("weights layout: no full-size modules are registered (FullSizeModules.All is empty)");
            return 1;
        }
        var failures = 0;
        foreach (var module in modules)
        {
            using var built = module.Build();
            var layout = ModuleLayout.Of(module.Name, built, module.KeyPrefix);
            var path = Path.Combine(outputDirectory, module.Name + ".json");
            using (var stream = File.Create(path)) layout.WriteJson(stream);
            var differences = WeightsManifest.Modules.Contains(module.Name) ? layout.Differences(WeightsManifest.Load(module.Name), module.NotBuilt) : [];
            Console.WriteLine($"{(differences.Count == 0 ? "OK  " : "DIFF")} {path}: {layout.NumTensors} tensors, {layout.NumElements:N0} elements{(differences.Count > 0 ? $", {differences.Count} differences from the manifest" : "")}");
            foreach (var d in differences) Console.WriteLine($"     {d}");
            if (differences.Count > 0) failures++;
        }
        return failures == 0 ? 0 : 1;
    }

    private static Command BuildDownload()
    {
        var dir = new Option<string>("--dir") { Description = "folder to download into", DefaultValueFactory = _ => RenderCommand.DefaultWeightsFolder };
        var accelerated = new Option<bool>("--accelerated") { Description = "the infer_acc.py file set (denoising_unet_acc.pth, motion_module_acc.pth) instead of infer.py's" };
        var dwpose = new Option<bool>("--dwpose") { Description = $"also the DWPose ONNX models ({DwPoseModelFiles.DetectorFile}, {DwPoseModelFiles.PoseFile}) into DIR/dwpose" };
        var download = new Command("download",
            $"download the official weights over the hub's HTTP file URLs ({HubSettings.EndpointVariable}, {HubSettings.TokenVariable} as for the Hugging Face tools; "
            + $"{HubSettings.WhisperTinyUrlVariable} for Whisper tiny), resuming .part files, then run weights check") { dir, accelerated, dwpose };
        download.SetAction((parse, cancellation) => Download(parse.GetValue(dir)!, parse.GetValue(accelerated), parse.GetValue(dwpose), cancellation));
        return download;
    }

    public static async Task<int> Download(string directory, bool accelerated, bool dwpose, CancellationToken cancellation)
    {
        var hub = HubSettings.FromEnvironment();
        WritableOutput.Folder(directory);
        var files = OfficialWeightFiles.For(hub, accelerated, dwpose);
        Console.WriteLine($"weights download into {Path.GetFullPath(directory)}: {files.Count} files from {hub.Endpoint.GetLeftPart(UriPartial.Authority)} "
            + $"({string.Join(", ", files.Select(f => f.Repo).OfType<string>().Distinct())}) and {hub.WhisperTinyUrl.GetLeftPart(UriPartial.Authority)} (Whisper tiny)");
        using var downloader = new HubFileDownloader(hub);
        IReadOnlyList<DownloadResult> results;
        try
        {
            results = await DownloadProgressView.RunAsync(async view =>
            {
                var done = new List<DownloadResult>();
                foreach (var file in files)
                {
                    done.Add(await downloader.DownloadAsync(file, directory, view, cancellation));
                    view.Finished(done[^1]);
                }
                return done;
            });
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled: finished files are in place, the one in progress stays as FILE.part; run the command again to resume");
            return 130;
        }
        foreach (var r in results)
        {
            var how = r.Outcome switch
            {
                DownloadOutcome.AlreadyPresent => "already present (size as on the server)",
                DownloadOutcome.Resumed => "resumed",
                _ => "downloaded",
            };
            var sha = r.VerifiedSha256 is { } s ? $", sha256 {s[..12]}... verified" : r.Outcome == DownloadOutcome.AlreadyPresent ? "" : ", size verified (the server gives no checksum)";
            Console.WriteLine($"{"OK",-8} {r.File.RelativePath,-55} {Size(r.Bytes),10} {how}{sha}");
        }

        var code = Check(directory, accelerated);
        if (dwpose)
        {
            var models = DwPoseModelFiles.InFolder(Path.Combine(directory, Path.GetFileName(DwPoseModelFiles.DefaultFolder)));
            Console.WriteLine($"dwpose: {(models.Present ? "OK" : "MISSING")} {models.Detector}, {models.Pose}");
            if (!models.Present) code = Math.Max(code, 1);
        }
        return code;
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1_000_000 => $"{HubFileDownloader.Megabytes(bytes)} MB",
        >= 1_000 => $"{(bytes / 1e3).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} kB",
        _ => $"{bytes} B",
    };
}
