using System.CommandLine;
using System.Globalization;
using EchoMimic.Core;
using EchoMimic.Inference.DwPose;
using EchoMimic.Core.Media;
using EchoMimic.Inference.Media;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic preview --image P --audio A --pose G --out FILE.mp4</c>: the pose maps drawn over the portrait with the
/// audio, as long as the render would be (min of gesture frames and audio length), in seconds and without a GPU.
/// </summary>
public sealed class PreviewCommand : ICliCommand
{
    public Command Build()
    {
        var image = new Option<string>("--image") { Description = "portrait", Required = true };
        var audio = new Option<string>("--audio") { Description = "speech (any format ffmpeg reads)", Required = true };
        var pose = new Option<string>("--pose") { Description = "gesture: folder of N.npy frames, a .emgesture file, or compose (composed from the audio)", Required = true };
        var seed = new Option<long>("--seed") { Description = "with --pose compose: the composer's seed (default: render's default seed)", DefaultValueFactory = _ => Inference.Pipeline.RenderSettings.Standard.Seed };
        var units = new Option<string?>("--gesture-units") { Description = "with --pose compose: a folder of your own gesture units" };
        var output = new Option<string>("--out") { Description = "preview video (.mp4)", Required = true };
        var fps = new Option<double>("--fps") { Description = "frame rate (the render's)", DefaultValueFactory = _ => 24 };
        var size = new Option<int>("--size") { Description = "side of the square preview", DefaultValueFactory = _ => 768 };
        var retarget = new Option<bool>("--retarget") { Description = "fit the gesture to the portrait's body first (needs the DWPose models)" };
        var models = DwPoseOptions.Models();
        var command = new Command("preview", "draw the gesture over the portrait with the audio, to check alignment before rendering") { image, audio, pose, output, fps, size, retarget, models, seed, units };
        command.SetAction(parse =>
        {
            var imagePath = parse.GetValue(image)!;
            var audioPath = parse.GetValue(audio)!;
            var posePath = parse.GetValue(pose)!;
            WritableOutput.File(parse.GetValue(output)!);
            MediaTools.RequireFfmpeg();
            int side = EvenSize(parse.GetValue(size));
            var portrait = ImageFile.Load(imagePath);
            double seconds = AudioSeconds(audioPath);
            GestureSequence sequence;
            IReadOnlyList<PoseFrame> frames;
            if (posePath == Core.Jobs.PoseSource.Compose)
            {
                frames = GestureSources.Compose(audioPath, parse.GetValue(fps), parse.GetValue(seed), parse.GetValue(units)).Composition.Frames;
                sequence = GestureSequence.FromPoseFrames(frames, parse.GetValue(fps));
            }
            else
            {
                sequence = GestureSources.Load(posePath, parse.GetValue(fps));
                frames = GestureSources.Frames(posePath, sequence);
            }
            if (parse.GetValue(retarget))
            {
                using var estimator = DwPoseOptions.Open(parse.GetValue(models));
                var analysis = PortraitFraming.Analyse(estimator, portrait, imagePath);
                try { sequence = GestureRetargeter.Apply(sequence, GestureRetargeter.Solve(sequence, analysis.Pose)); }
                catch (InvalidOperationException e) { throw new InputException(posePath, e.Message); }
                frames = sequence.ToPoseFrames();
            }
            int count = Math.Min(frames.Count, (int)Math.Ceiling(seconds * sequence.Fps));
            using (var encoder = new VideoEncoder(parse.GetValue(output)!, side, side, sequence.Fps, audioPath))
            {
                for (int i = 0; i < count; i++) encoder.Write(PosePreviewRenderer.Draw(frames[i], side, portrait));
                encoder.Finish();
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count} frames ({count / sequence.Fps:F2} s; audio {seconds:F2} s, gesture {frames.Count} frames) -> {parse.GetValue(output)}"));
            if (frames.Count < seconds * sequence.Fps)
                Console.WriteLine("note: the gesture is shorter than the audio; the render stops at the last gesture frame");
            return 0;
        });
        return command;
    }

    internal static int EvenSize(int size)
    {
        if (size < 64 || size > 4096) throw new InputException("--size", "must be between 64 and 4096");
        return size & ~1;
    }

    private static double AudioSeconds(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "audio file does not exist");
        var start = new System.Diagnostics.ProcessStartInfo(MediaTools.Ffprobe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-select_streams", "a:0", "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", path })
            start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !double.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
            throw new InputException(path, "not a readable audio file");
        return seconds;
    }
}
