using System.Net;
using System.Text;
using EchoMimic.Core;
using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Jobs;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Cli.Tests.BadInput;

/// <summary>How one entry point took one input.</summary>
internal enum Verdict { Rejected, Accepted, Crashed }

internal sealed record Outcome(string EntryPoint, Verdict Verdict, string Detail);

/// <summary>
/// Runs one input through the real entry points that read it: the CLI (<c>Program.Main</c> in-process, console
/// captured), serve's HTTP API over loopback, and the engine's readers. A clean rejection is exit code 2 with one
/// <c>error:</c> line, HTTP 400 with an error body, or an <see cref="InputException"/>; anything else thrown, any
/// other status or exit code, or "Unhandled exception" in the output is a crash.
/// </summary>
internal sealed class EntryPoints(ServeApiHost api, string image, string audio, string poses, string scratch)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public async Task<IReadOnlyList<Outcome>> RunAsync(BadInput input)
    {
        var outcomes = new List<Outcome>();
        switch (input.Kind)
        {
            case InputKind.JobSpec:
                outcomes.Add(await PostAsync("POST /jobs", "jobs", input.Path, "application/json"));
                outcomes.Add(Cli("submit", input.Path, "--api", api.Address.ToString()));
                break;
            case InputKind.CsvManifest or InputKind.JsonlManifest:
                outcomes.Add(await PostAsync("POST /campaigns", "campaigns", input.Path, input.Kind == InputKind.CsvManifest ? "text/csv" : "application/x-ndjson"));
                outcomes.Add(Cli("campaign", input.Path, "--api", api.Address.ToString()));
                break;
            case InputKind.Image:
                outcomes.Add(Reader("JobInputFiles.Read", () => JobInputFiles.Read(input.Path, audio, poses, null, 64, 64, 24, CancellationToken.None).Dispose()));
                if (input.AcceptedBecause is null && outcomes[^1].Verdict == Verdict.Rejected) outcomes.Add(Render("--image", input.Path));
                break;
            case InputKind.Audio:
                outcomes.Add(Reader("JobInputFiles.Read", () => JobInputFiles.Read(image, input.Path, poses, null, 64, 64, 24, CancellationToken.None).Dispose()));
                if (input.AcceptedBecause is null && outcomes[^1].Verdict == Verdict.Rejected) outcomes.Add(Render("--audio", input.Path));
                break;
            case InputKind.Video:
                outcomes.Add(Reader("VideoFrameSource.Open", () => VideoFrameSource.Open(input.Path, 24)));
                // Extraction itself needs the DWPose models, which the CLI opens after the video: an accepted video is judged by the reader.
                if (input.AcceptedBecause is not null) break;
                var extracted = Path.Combine(scratch, "extract-" + Path.GetFileNameWithoutExtension(input.Path));
                outcomes.Add(Cli("pose", "extract", input.Path, "--out", extracted));
                // pose extract proves its output folder writable (creating it) before it opens the video, so an empty
                // folder may remain; no file may.
                if ((Directory.Exists(extracted) && Directory.EnumerateFileSystemEntries(extracted).Any()) || File.Exists(extracted + GestureFile.Extension))
                    outcomes.Add(new Outcome("pose extract output", Verdict.Crashed, $"left files in {extracted}"));
                break;
            case InputKind.PoseFrame:
                outcomes.Add(Reader("NpyPoseReader.ReadFile", () => NpyPoseReader.ReadFile(input.Path)));
                var folder = Path.Combine(scratch, "pose-" + Path.GetFileNameWithoutExtension(input.Path));
                Directory.CreateDirectory(folder);
                File.Copy(input.Path, Path.Combine(folder, "0.npy"), overwrite: true);
                outcomes.Add(Reader("JobInputFiles.Read", () => JobInputFiles.Read(image, audio, folder, null, 64, 64, 24, CancellationToken.None).Dispose()));
                if (input.AcceptedBecause is null && outcomes[^1].Verdict == Verdict.Rejected) outcomes.Add(Render("--pose", folder));
                break;
            case InputKind.PoseFolder:
                outcomes.Add(Reader("NpyPoseReader.ReadFolder", () => NpyPoseReader.ReadFolder(input.Path)));
                outcomes.Add(Reader("JobInputFiles.Read", () => JobInputFiles.Read(image, audio, input.Path, null, 64, 64, 24, CancellationToken.None).Dispose()));
                if (input.AcceptedBecause is null && outcomes[^1].Verdict == Verdict.Rejected) outcomes.Add(Render("--pose", input.Path));
                break;
            case InputKind.Gesture:
                outcomes.Add(Reader("GestureFile.Read", () => GestureFile.Read(input.Path)));
                if (input.AcceptedBecause is null && outcomes[^1].Verdict == Verdict.Rejected) outcomes.Add(Render("--pose", input.Path));
                break;
            case InputKind.Checkpoint:
                outcomes.Add(Reader("CheckpointReader.Open", () =>
                {
                    using var checkpoint = CheckpointReader.Open(input.Path);
                }));
                if (input.Path.EndsWith(".safetensors", StringComparison.Ordinal))
                {
                    outcomes.Add(Reader("SafetensorsFile", () =>
                    {
                        using var file = new SafetensorsFile(input.Path);
                        foreach (var name in file.Entries.Keys) file.Load(name).Dispose();
                    }));
                }

                break;
        }

        return outcomes;
    }

    /// <summary>The readers' budget: what a reader may allocate for one of these small files, whatever its header claims.</summary>
    public const long ReaderAllocationLimit = 64L << 20;

    private static Outcome Reader(string name, Action read)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        Outcome outcome;
        try
        {
            read();
            outcome = new Outcome(name, Verdict.Accepted, "");
        }
        catch (InputException e)
        {
            outcome = new Outcome(name, Verdict.Rejected, e.Message);
        }
        catch (Exception e)
        {
            return new Outcome(name, Verdict.Crashed, $"{e.GetType().Name}: {e.Message}");
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        return allocated > ReaderAllocationLimit
            ? new Outcome(name, Verdict.Crashed, $"allocated {allocated / (1 << 20)} MiB reading it ({outcome.Verdict}: {outcome.Detail})")
            : outcome;
    }

    private async Task<Outcome> PostAsync(string name, string route, string path, string contentType)
    {
        var before = await api.StartedAsync();
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(path));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await Http.PostAsync(new Uri(api.Address, route), content);
        var body = await response.Content.ReadAsStringAsync();
        var started = await api.StartedAsync() - before;
        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest when started == 0 && body.Contains("\"error\"", StringComparison.Ordinal) => new Outcome(name, Verdict.Rejected, body),
            HttpStatusCode.BadRequest => new Outcome(name, Verdict.Crashed, $"400 but started {started} orchestration(s)/index record(s): {body}"),
            HttpStatusCode.Accepted or HttpStatusCode.OK => new Outcome(name, Verdict.Accepted, body),
            _ => new Outcome(name, Verdict.Crashed, $"HTTP {(int)response.StatusCode}: {Shorten(body)}"),
        };
    }

    private Outcome Render(string flag, string path)
    {
        var output = Path.Combine(scratch, "render-out-" + Guid.NewGuid().ToString("N")[..8]);
        var arguments = new List<string> { "render", "--image", image, "--audio", audio, "--pose", poses, "--out", Path.Combine(output, "video.mp4"), "--width", "64", "--height", "64" };
        arguments[arguments.IndexOf(flag) + 1] = path;
        var outcome = Cli([.. arguments]);
        if (Directory.Exists(output))
            return new Outcome(outcome.EntryPoint, Verdict.Crashed, $"left the output folder {output} ({Directory.EnumerateFileSystemEntries(output).Count()} entries)");
        return outcome;
    }

    private static readonly object ConsoleLock = new();

    /// <summary>`echomimic ARGS` in-process: exit 2 with exactly one "error:" line is a clean rejection.</summary>
    public static Outcome Cli(params string[] arguments)
    {
        var name = "echomimic " + string.Join(' ', arguments.TakeWhile(a => !a.Contains('/', StringComparison.Ordinal)));
        lock (ConsoleLock)
        {
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            var (previousOut, previousError) = (Console.Out, Console.Error);
            Console.SetOut(stdout);
            Console.SetError(stderr);
            int code;
            try
            {
                code = Program.Main(arguments);
            }
            catch (Exception e)
            {
                return new Outcome(name, Verdict.Crashed, $"escaped Program.Main: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                Console.SetOut(previousOut);
                Console.SetError(previousError);
            }

            return Judge(name, code, stdout.ToString(), stderr.ToString());
        }
    }

    public static Outcome Judge(string name, int code, string stdout, string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if ((stdout + stderr).Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase) || (stdout + stderr).Contains("   at ", StringComparison.Ordinal))
            return new Outcome(name, Verdict.Crashed, $"exit {code}, a stack trace: {Shorten(stderr)}");
        return code switch
        {
            0 => new Outcome(name, Verdict.Accepted, stdout.Trim()),
            2 when lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal) => new Outcome(name, Verdict.Rejected, lines[0]),
            _ => new Outcome(name, Verdict.Crashed, $"exit {code}: {Shorten(stderr)}"),
        };
    }

    private static string Shorten(string text) => text.Length > 600 ? text[..600] + "..." : text;
}
