using System.CommandLine;
using System.Globalization;
using EchoMimic.Core;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Media;
using EchoMimic.Inference.Pose;
using Spectre.Console;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic pose extract VIDEO --out DIR</c>, <c>pose preview GESTURE --out FILE.mp4</c> and
/// <c>pose retarget GESTURE --image PORTRAIT --out DIR</c>, <c>pose compose AUDIO --out DIR</c> (docs/gestures.md).
/// </summary>
public sealed class PoseCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("pose", "make gestures from videos, preview and retarget them");
        command.Subcommands.Add(BuildExtract());
        command.Subcommands.Add(BuildPreview());
        command.Subcommands.Add(BuildRetarget());
        command.Subcommands.Add(BuildCompose());
        return command;
    }

    private static Command BuildCompose()
    {
        var audio = new Argument<string>("AUDIO") { Description = "speech (anything ffmpeg reads)" };
        var output = new Option<string>("--out") { Description = "folder for the official per-frame N.npy files", Required = true };
        var fps = new Option<double>("--fps") { Description = "frame rate (the render's)", DefaultValueFactory = _ => 24 };
        var seed = new Option<long>("--seed") { Description = "seed of the composer's choices (default: render's default seed)", DefaultValueFactory = _ => Inference.Pipeline.RenderSettings.Standard.Seed };
        var units = new Option<string?>("--gesture-units") { Description = "a folder of your own gesture units (one sub-folder of N.npy files + phases.json each)" };
        var command = new Command("compose", "compose a gesture from the speech itself (strokes on stressed syllables, rests in pauses)") { audio, output, fps, seed, units };
        command.SetAction(parse =>
        {
            var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(parse.GetValue(output)!));
            if (File.Exists(folder)) throw new InputException(folder, "is a file; --out names a folder for N.npy files");
            if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
                throw new InputException(folder, "folder is not empty (the official loader reads every file in it); choose a new folder");
            double rate = parse.GetValue(fps);
            if (!(rate > 0 && rate <= 120)) throw new InputException("--fps", $"{rate} is outside (0, 120]");
            var (composition, report) = GestureSources.Compose(parse.GetValue(audio)!, rate, parse.GetValue(seed), parse.GetValue(units));
            // Written beside a temporary name and renamed, so a failure leaves no half-written folder.
            var temporary = folder + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
            NpyPoseWriter.WriteFolder(temporary, composition.Frames);
            if (Directory.Exists(folder)) Directory.Delete(folder);
            Directory.Move(temporary, folder);
            var reportPath = folder + ".composition.json";
            Inference.Pipeline.ClipRenderer.WriteAtomically(reportPath, path => File.WriteAllText(path, report.ToJsonString(Local.ReportJson.Indented)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{composition.Frames.Count} frames at {rate} fps, {composition.Gestures.Count} gestures on stressed syllables, seed {composition.Seed} -> {folder}/0..{composition.Frames.Count - 1}.npy and {reportPath}"));
            return 0;
        });
        return command;
    }

    private static Command BuildExtract()
    {
        var video = new Argument<string>("VIDEO") { Description = "any video ffmpeg reads" };
        var output = new Option<string>("--out") { Description = "folder for the official per-frame N.npy files", Required = true };
        var fps = new Option<double>("--fps") { Description = "frame rate of the gesture (the render's fps)", DefaultValueFactory = _ => 24 };
        var compact = new Option<string?>("--compact") { Description = $"compact single-file copy (default: DIR{GestureFile.Extension} next to the folder)" };
        var models = DwPoseOptions.Models();
        var command = new Command("extract", "extract a gesture (DWPose per frame) from a video") { video, output, fps, compact, models };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(output)!;
            var compactPath = parse.GetValue(compact) ?? Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + GestureFile.Extension;
            WritableOutput.Folder(folder);
            WritableOutput.File(compactPath);
            var source = VideoFrameSource.Open(parse.GetValue(video)!, parse.GetValue(fps));
            using var estimator = DwPoseOptions.Open(parse.GetValue(models));
            (GestureSequence Sequence, ExtractionReport Report)? result = null;
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("dwpose", maxValue: Math.Max(1, source.EstimatedFrames));
                    result = GestureExtractor.Extract(source, estimator, new Inline(n => task.Value = Math.Min(n, task.MaxValue)));
                    task.Value = task.MaxValue;
                });
            var (sequence, report) = result ?? throw new InvalidOperationException("extraction did not run");
            NpyPoseWriter.WriteFolder(folder, sequence.ToPoseFrames());
            GestureFile.Write(compactPath, sequence);
            Console.WriteLine($"{report.Frames} frames at {sequence.Fps.ToString(CultureInfo.InvariantCulture)} fps -> {folder}/0..{report.Frames - 1}.npy and {compactPath}");
            Console.WriteLine($"gesture frame: {report.CropSide}x{report.CropSide} square at ({report.CropLeft}, {report.CropTop}) of the {source.Width}x{source.Height} video; smoothing: centred 1-2-3-2-1 moving average");
            if (report.FilledFrames.Count > 0)
                Console.WriteLine($"no person in {report.FilledFrames.Count} frame(s), filled by interpolation: {Ranges(report.FilledFrames)}");
            if (report.MultiPersonFrames > 0)
                Console.WriteLine($"several people in {report.MultiPersonFrames} frame(s): the largest was used");
            return 0;
        });
        return command;
    }

    private static Command BuildPreview()
    {
        var gesture = new Argument<string>("GESTURE") { Description = "folder of N.npy frames or a .emgesture file" };
        var output = new Option<string>("--out") { Description = "preview video (.mp4)", Required = true };
        var fps = new Option<double>("--fps") { Description = "frame rate", DefaultValueFactory = _ => 24 };
        var size = new Option<int>("--size") { Description = "side of the square preview", DefaultValueFactory = _ => 768 };
        var command = new Command("preview", "draw a gesture as a video (body skeleton plus the hand map the model sees)") { gesture, output, fps, size };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(gesture)!;
            WritableOutput.File(parse.GetValue(output)!);
            int side = PreviewCommand.EvenSize(parse.GetValue(size));
            var sequence = GestureSources.Load(path, parse.GetValue(fps));
            var frames = GestureSources.Frames(path, sequence);
            using var encoder = new VideoEncoder(parse.GetValue(output)!, side, side, sequence.Fps);
            foreach (var frame in frames) encoder.Write(PosePreviewRenderer.Draw(frame, side));
            encoder.Finish();
            Console.WriteLine($"{frames.Count} frames -> {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }

    private static Command BuildRetarget()
    {
        var gesture = new Argument<string>("GESTURE") { Description = "folder of N.npy frames or a .emgesture file" };
        var image = new Option<string>("--image") { Description = "portrait the gesture must fit", Required = true };
        var output = new Option<string>("--out") { Description = "folder for the retargeted N.npy frames", Required = true };
        var preview = new Option<string?>("--preview") { Description = "before/after image (PNG): the first frame over the portrait, unfitted and fitted" };
        var fps = new Option<double>("--fps") { Description = "frame rate of an N.npy folder", DefaultValueFactory = _ => 24 };
        var models = DwPoseOptions.Models();
        var command = new Command("retarget", "fit a gesture to a portrait's body (scale + translate from shoulders/neck/hips)") { gesture, image, output, preview, fps, models };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(gesture)!;
            WritableOutput.Folder(parse.GetValue(output)!);
            if (parse.GetValue(preview) is { } previewFile) WritableOutput.File(previewFile);
            var sequence = GestureSources.Load(path, parse.GetValue(fps));
            var imagePath = parse.GetValue(image)!;
            var portrait = ImageFile.Load(imagePath);
            using var estimator = DwPoseOptions.Open(parse.GetValue(models));
            var analysis = PortraitFraming.Analyse(estimator, portrait, imagePath);
            foreach (var note in analysis.Notes) Console.WriteLine("note: " + note);
            Retarget fit;
            try { fit = GestureRetargeter.Solve(sequence, analysis.Pose); }
            catch (InvalidOperationException e) { throw new InputException(path, e.Message); }
            var fitted = GestureRetargeter.Apply(sequence, fit);
            NpyPoseWriter.WriteFolder(parse.GetValue(output)!, fitted.ToPoseFrames());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"retarget: scale {fit.Scale:F3} ({fit.Basis}), neck ({fit.FromX:F3}, {fit.FromY:F3}) -> ({fit.ToX:F3}, {fit.ToY:F3})"));
            if (parse.GetValue(preview) is { } previewPath)
            {
                ImageFile.Save(BeforeAfter.Draw(sequence, fitted, portrait, 512), previewPath);
                Console.WriteLine($"before/after: {previewPath}");
            }
            Console.WriteLine($"{fitted.Frames.Count} frames -> {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }

    private static string Ranges(IReadOnlyList<int> frames)
    {
        var parts = new List<string>();
        for (int i = 0; i < frames.Count;)
        {
            int j = i;
            while (j + 1 < frames.Count && frames[j + 1] == frames[j] + 1) j++;
            parts.Add(i == j ? $"{frames[i]}" : $"{frames[i]}-{frames[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }

    private sealed class Inline(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
