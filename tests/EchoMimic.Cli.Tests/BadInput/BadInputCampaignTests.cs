using System.Diagnostics;
using EchoMimic.Cli.Serve;
using EchoMimic.Inference.Pose;
using EchoMimic.Inference.Samples;

namespace EchoMimic.Cli.Tests.BadInput;

/// <summary>
/// The bad-input campaign: several hundred malformed inputs, generated at test time, each run through every entry
/// point that reads it (<see cref="EntryPoints"/>). Every input meant to be rejected is rejected cleanly by all of
/// them; every input documented as valid (<see cref="BadInput.AcceptedBecause"/>) is accepted; nothing crashes and
/// nothing is left in an output folder. A few go through a real `echomimic` child process as well.
/// </summary>
public sealed class BadInputCampaignTests(ITestOutputHelper output) : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("bad-input").FullName;

    [Fact]
    public async Task Every_malformed_input_is_rejected_cleanly_and_leaves_nothing_behind()
    {
        var inputs = Path.Combine(root, "inputs");
        var scratch = Path.Combine(root, "scratch");
        Directory.CreateDirectory(inputs);
        Directory.CreateDirectory(scratch);
        var (image, audio, poses) = ValidInputs(scratch);
        var all = SpecInputs.JobSpecs(inputs)
            .Concat(SpecInputs.Manifests(inputs))
            .Concat(MediaInputs.Images(inputs))
            .Concat(MediaInputs.Audio(inputs, scratch))
            .Concat(MediaInputs.Videos(inputs, scratch))
            .Concat(PoseInputs.Frames(inputs))
            .Concat(PoseInputs.Folders(inputs))
            .Concat(PoseInputs.Gestures(inputs))
            .Concat(CheckpointInputs.Safetensors(inputs))
            .Concat(CheckpointInputs.TorchZips(inputs))
            .ToList();

        await using var api = await ServeApiHost.StartAsync();
        var entryPoints = new EntryPoints(api, image, audio, poses, scratch);
        var before = Snapshot(inputs);
        int rejected = 0, accepted = 0, crashed = 0, wrong = 0;
        foreach (var input in all)
        {
            var outcomes = await entryPoints.RunAsync(input);
            if (outcomes.Any(o => o.Verdict == Verdict.Crashed))
            {
                crashed++;
                foreach (var o in outcomes.Where(o => o.Verdict == Verdict.Crashed)) output.WriteLine($"CRASH {input.Kind} '{input.Name}' via {o.EntryPoint}: {o.Detail}");
            }
            else if (input.AcceptedBecause is null ? outcomes.All(o => o.Verdict == Verdict.Rejected) : outcomes.All(o => o.Verdict == Verdict.Accepted))
            {
                if (input.AcceptedBecause is null) rejected++;
                else accepted++;
            }
            else
            {
                wrong++;
                foreach (var o in outcomes)
                    output.WriteLine($"{(input.AcceptedBecause is null ? "NOT REJECTED" : "NOT ACCEPTED")} {input.Kind} '{input.Name}' via {o.EntryPoint}: {o.Verdict} {Shorten(o.Detail)}");
            }
        }

        var leftFiles = Snapshot(inputs).Except(before).Concat(LeftInScratch(scratch)).ToList();
        foreach (var file in leftFiles) output.WriteLine($"LEFT {file}");
        var spawned = SpawnedRejections(all, image, audio, poses, api.Address);
        output.WriteLine($"{all.Count} inputs, {rejected} rejected cleanly, {accepted} accepted as valid, {crashed} crashed, {wrong} misjudged, {leftFiles.Count} left files; " +
                         $"{spawned} of 4 child processes rejected cleanly");

        Assert.Equal(0, crashed);
        Assert.Equal(0, wrong);
        Assert.Empty(leftFiles);
        Assert.Equal(4, spawned);
        Assert.True(rejected >= 300, $"only {rejected} inputs rejected");
    }

    /// <summary>Four inputs through `dotnet echomimic.dll` child processes: the exit code and stderr a user sees.</summary>
    private int SpawnedRejections(IReadOnlyList<BadInput> all, string image, string audio, string poses, Uri api)
    {
        string First(InputKind kind, string name) => all.First(i => i.Kind == kind && i.Name == name).Path;
        var runs = new[]
        {
            new[] { "render", "--image", First(InputKind.Image, "PNG header claiming 20000x20000"), "--audio", audio, "--pose", poses, "--out", Path.Combine(root, "spawn", "v.mp4"), "--width", "64", "--height", "64" },
            ["submit", First(InputKind.JobSpec, "valid spec truncated to 40 characters"), "--api", api.ToString()],
            ["campaign", First(InputKind.JsonlManifest, "bad line in the middle"), "--api", api.ToString()],
            ["pose", "extract", First(InputKind.Video, "MP4 with no video stream (audio only)"), "--out", Path.Combine(root, "spawn", "poses")],
        };
        var clean = 0;
        foreach (var arguments in runs)
        {
            using var process = Process.Start(WorkerLaunch.ThisCli().StartInfo(arguments) is var info && (info.RedirectStandardOutput = info.RedirectStandardError = true) ? info : info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            var outcome = EntryPoints.Judge(string.Join(' ', arguments[..2]), process.ExitCode, stdout.Result, stderr);
            output.WriteLine($"child process {outcome.EntryPoint}: {outcome.Verdict} {outcome.Detail}");
            var spawn = Path.Combine(root, "spawn");
            if (outcome.Verdict == Verdict.Rejected && (!Directory.Exists(spawn) || !Directory.EnumerateFiles(spawn, "*", SearchOption.AllDirectories).Any())) clean++;
        }

        return clean;
    }

    private static (string Image, string Audio, string Poses) ValidInputs(string scratch)
    {
        var image = Path.Combine(scratch, "portrait.png");
        File.WriteAllBytes(image, PortraitPainter.PaintPng(64));
        var audio = Path.Combine(scratch, "speech.wav");
        File.WriteAllBytes(audio, ToneWav());
        var poses = Path.Combine(scratch, "poses");
        NpyPoseWriter.WriteFolder(poses, GestureLibrary.Breathing(0.25));
        return (image, audio, poses);
    }

    /// <summary>One second of a 16 kHz 440 Hz tone as 16-bit PCM WAV.</summary>
    private static byte[] ToneWav()
    {
        var wav = MediaInputs.Wav(16000, 16000, 1);
        for (var i = 0; i < 16000; i++)
            BitConverter.TryWriteBytes(wav.AsSpan(44 + 2 * i), (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000.0)));
        return wav;
    }

    private static HashSet<string> Snapshot(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).ToHashSet(StringComparer.Ordinal);

    /// <summary>Outputs left in the scratch folder: any render output folder, any file of an extracted gesture.</summary>
    private static IEnumerable<string> LeftInScratch(string scratch) =>
        Directory.EnumerateFileSystemEntries(scratch)
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("render-out-", StringComparison.Ordinal)
                        || (name.StartsWith("extract-", StringComparison.Ordinal) && (File.Exists(p) || Directory.EnumerateFileSystemEntries(p).Any()))));

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
