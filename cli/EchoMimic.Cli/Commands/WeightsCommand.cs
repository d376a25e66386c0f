using System.CommandLine;
using EchoMimic.Core;
using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.Media;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic weights check DIR [--accelerated]</c>: validates an official <c>pretrained_weights/</c> folder against
/// the embedded manifests (exit 0 pass, 1 fail, 2 no such folder). <c>echomimic weights layout --out DIR</c>: writes
/// the full-size layouts of our modules in the manifests' JSON schema, one file per module.
/// </summary>
public sealed class WeightsCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("weights", "check the official pretrained_weights/ folder; write our module layouts");
        command.Subcommands.Add(BuildCheck());
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
}
