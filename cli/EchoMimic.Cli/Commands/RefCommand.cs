using System.CommandLine;
using System.Globalization;
using EchoMimic.Inference.DwPose;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic ref check IMAGE</c>, <c>ref fit IMAGE --out FILE</c> and <c>ref measure POSE_DIR...</c>: portrait framing
/// against the framing of the official demo portraits (docs/gestures.md).
/// </summary>
public sealed class RefCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("ref", "check or fit a portrait's framing to what EchoMimicV2 expects");
        command.Subcommands.Add(BuildCheck());
        command.Subcommands.Add(BuildFit());
        command.Subcommands.Add(BuildMeasure());
        return command;
    }

    private static Command BuildCheck()
    {
        var image = new Argument<string>("IMAGE") { Description = "portrait (PNG/JPEG/WebP)" };
        var models = DwPoseOptions.Models();
        var command = new Command("check", "detect the person and compare the framing with the official demo portraits") { image, models };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(image)!;
            using var estimator = DwPoseOptions.Open(parse.GetValue(models));
            var analysis = PortraitFraming.Analyse(estimator, ImageFile.Load(path), path);
            Print(analysis.Notes, analysis.Report);
            Console.WriteLine(analysis.Report.Aligned ? "framing: aligned with the official portraits" : "framing: NOT aligned; `echomimic ref fit` crops/pads/scales it");
            return 0;
        });
        return command;
    }

    private static Command BuildFit()
    {
        var image = new Argument<string>("IMAGE") { Description = "portrait (PNG/JPEG/WebP)" };
        var output = new Option<string>("--out") { Description = "fitted portrait (PNG, or JPEG by extension)", Required = true };
        var size = new Option<int>("--size") { Description = "side of the square output in pixels", DefaultValueFactory = _ => 768 };
        var models = DwPoseOptions.Models();
        var command = new Command("fit", "crop/pad/scale a portrait to the framing of the official demo portraits") { image, output, size, models };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(image)!;
            int side = parse.GetValue(size);
            if (side < 64) throw new EchoMimic.Core.InputException("--size", "must be at least 64 pixels");
            Inference.Media.WritableOutput.File(parse.GetValue(output)!);
            using var estimator = DwPoseOptions.Open(parse.GetValue(models));
            var analysis = PortraitFraming.Analyse(estimator, ImageFile.Load(path), path);
            Console.WriteLine("before:");
            Print(analysis.Notes, analysis.Report);
            var fit = PortraitFraming.Fit(analysis, side, path);
            ImageFile.Save(fit.Render(analysis.Image), parse.GetValue(output)!);
            var after = FramingReport.Compare(FramingMetrics.Measure(fit.Apply(NormalizedPose.FromPerson(analysis.Person, 1, 1))), square: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fit: scale {fit.Scale:F3} (from {fit.Basis}), shift ({fit.ShiftX:F1}, {fit.ShiftY:F1}) px, {side}x{side}"));
            Console.WriteLine("after:");
            Print([], after);
            Console.WriteLine($"wrote {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }

    private static void Print(IReadOnlyList<string> notes, FramingReport report)
    {
        foreach (var note in notes) Console.WriteLine("note: " + note);
        foreach (var line in report.Lines) Console.WriteLine("  " + line.Format());
    }

    private static Command BuildMeasure()
    {
        var folders = new Argument<string[]>("POSE_DIR") { Description = "official pose folders (N.npy frames)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("measure", "print the median framing of pose sequences (how the built-in expected framing was measured)") { folders };
        command.SetAction(parse =>
        {
            var rows = parse.GetValue(folders)!.Select(FramingSurvey.MeasureSequence).ToList();
            Console.WriteLine("sequence  frames  head_top_y  nose_y  neck_x  neck_y  shoulder_w  hip_y");
            foreach (var r in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Name,-9} {r.Frames,6}  {r.HeadTopY,10:F4}  {r.NoseY,6:F4}  {r.NeckX,6:F4}  {r.NeckY,6:F4}  {r.ShoulderWidth,10:F4}  {r.HipY,5:F4}"));
            void Summary(string label, Func<IEnumerable<double>, double> f) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label,-16} {f(rows.Select(r => r.HeadTopY)),10:F4}  {f(rows.Select(r => r.NoseY)),6:F4}  {f(rows.Select(r => r.NeckX)),6:F4}  {f(rows.Select(r => r.NeckY)),6:F4}  {f(rows.Select(r => r.ShoulderWidth)),10:F4}  {f(rows.Select(r => r.HipY)),5:F4}"));
            Summary("min", v => v.Min());
            Summary("median", v => FramingSurvey.Median(v.Select(x => (double?)x)));
            Summary("max", v => v.Max());
            return 0;
        });
        return command;
    }
}
