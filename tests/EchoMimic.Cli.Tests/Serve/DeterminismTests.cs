using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary>
/// Same inputs, same bytes, across processes and crashes: one 3 s job (64x64, 2 steps, three 24-frame segments, demo
/// weights) is rendered again and again by <c>echomimic serve</c> with two worker processes, each run on a fresh
/// Azurite (so Prepare runs again too) and with a kill at a different point: none, a worker at the start of a
/// segment, a worker mid-segment, a worker right after its clip is uploaded (before or while it reports), every
/// worker once the stitch is dispatched, and serve itself mid-segment. The SHA-256 of every segment clip, every
/// segment's latents and the final MP4 must be the same in every run. It runs when
/// <c>ECHOMIMIC_DETERMINISM_RUNS</c> is set (e.g. 10: the kill points repeat in order) and is a skip otherwise.
/// </summary>
public sealed class DeterminismTests
{
    public const string RunsVariable = "ECHOMIMIC_DETERMINISM_RUNS";
    private const int LeaseSeconds = 5;
    private const double AudioSeconds = 3.0;
    private const int SegmentLength = 24;
    private const string JobFolder = "determinism/job";
    private const string JobId = "determinism-job";
    private const int Segments = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private enum KillPoint
    {
        None,
        WorkerAtSegmentStart,
        WorkerMidSegment,
        WorkerAfterClipUpload,
        WorkersDuringStitch,
        ServeMidSegment,
    }

    [Fact]
    public async Task One_job_rendered_across_fresh_processes_and_kills_gives_the_same_clips_latents_and_video()
    {
        // Opt-in: a worker process can still turn identical latents into different pixels (seen at 128x128, not yet
        // explained), so this check runs only when asked for and is reported as a skip otherwise.
        var text = Environment.GetEnvironmentVariable(RunsVariable);
        if (string.IsNullOrEmpty(text))
            Assert.Skip($"cross-process determinism is a known open defect; set {RunsVariable}=N to run it");
        var runs = int.Parse(text, CultureInfo.InvariantCulture);
        var points = Enum.GetValues<KillPoint>();
        Dictionary<string, string>? first = null;
        for (var run = 0; run < runs; run++)
        {
            var point = points[run % points.Length];
            var clock = Stopwatch.StartNew();
            var hashes = await RenderAsync(run, point);
            TestContext.Current.SendDiagnosticMessage(
                $"determinism run {run + 1}/{runs} (kill: {point}) in {clock.Elapsed.TotalSeconds:F0} s: "
                + string.Join(", ", hashes.Select(h => $"{h.Key} {h.Value[..12]}")));
            if (first is null)
            {
                first = hashes;
                continue;
            }

            var differing = first.Keys.Union(hashes.Keys)
                .Where(name => first.GetValueOrDefault(name) != hashes.GetValueOrDefault(name)).ToList();
            Assert.True(differing.Count == 0,
                $"run {run + 1} (kill: {point}) differs from run 1 in: {string.Join(", ", differing)}");
        }
    }

    /// <summary>One run: fresh Azurite and serve, the job, the kill; returns blob name → SHA-256 of what must not vary.</summary>
    private static async Task<Dictionary<string, string>> RenderAsync(int run, KillPoint point)
    {
        await using var azurite = await Azurite.StartAsync();
        var secret = WebhookSigner.NewSecret();
        await using var receiver = new WebhookReceiver(secret);
        var scratch = Directory.CreateTempSubdirectory("determinism-").FullName;
        var log = Path.Combine(Path.GetTempPath(), $"serve-determinism-{run}.log");
        File.Delete(log);
        var blobs = new AzureBlobStore(new BlobServiceClient(azurite.ConnectionString));
        ServeProcess? serve = null;
        try
        {
            serve = await StartServeAsync(azurite.ConnectionString, secret, scratch, log);
            await TestJobs.UploadAsync(blobs, JobFolder, Number("SECONDS", AudioSeconds), receiver.Url, Ct,
                (int)Number("SIZE", 64), (int)Number("STEPS", 2), (int)Number("SEED", 7));
            serve = await KillAsync(point, serve, blobs, () => StartServeAsync(azurite.ConnectionString, secret, scratch, log));

            var done = await receiver.WaitForAsync(_ => true, TimeSpan.FromMinutes(6));
            Assert.Equal("cloud.echomimic.job.succeeded", done.Event.GetProperty("type").GetString());
            var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var container in new[] { BlobContainers.Work, BlobContainers.Renders })
            {
                await foreach (var blob in blobs.ListAsync(container, JobId + "/", Ct))
                {
                    var name = blob.Path.Name;
                    if (name.EndsWith(".mp4", StringComparison.Ordinal) || name.EndsWith(OverlapLatents.FileExtension, StringComparison.Ordinal))
                    {
                        var bytes = await blobs.ReadBytesAsync(blob.Path, Ct);
                        hashes[$"{container}/{name}"] = Convert.ToHexStringLower(SHA256.HashData(bytes!));
                        if (Environment.GetEnvironmentVariable("ECHOMIMIC_DETERMINISM_KEEP") is { Length: > 0 } keep)
                        {
                            var file = Path.Combine(keep, $"run{run}", container, name);
                            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                            await File.WriteAllBytesAsync(file, bytes!, Ct);
                        }
                    }
                }
            }

            Assert.Equal(2 * (int)Number("SEGMENTS", Segments) + 1, hashes.Count);
            return hashes;
        }
        finally
        {
            if (serve is not null)
            {
                await serve.DisposeAsync();
            }

            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task<ServeProcess> StartServeAsync(string connection, string secret, string scratch, string log)
    {
        var serve = ServeProcess.Start(connection, "det", 2, secret, scratch, log, LeaseSeconds, (int)Number("SEGMENT", SegmentLength));
        await serve.WaitForLineAsync(l => l.StartsWith(EchoMimic.Cli.Commands.ServeCommand.ServingMarker, StringComparison.Ordinal),
            TimeSpan.FromMinutes(2), "serve to come up", Ct);
        return serve;
    }

    /// <summary>Applies the run's kill; returns the serve process that runs the rest of the job.</summary>
    private static async Task<ServeProcess> KillAsync(KillPoint point, ServeProcess serve, IBlobStore blobs, Func<Task<ServeProcess>> restart)
    {
        switch (point)
        {
            case KillPoint.None:
                return serve;
            case KillPoint.WorkerAtSegmentStart:
                Kill(ServeProcess.PidOf(await RenderingLineAsync(serve, 0)));
                return serve;
            case KillPoint.WorkerMidSegment:
                var rendering = await RenderingLineAsync(serve, 1);
                await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
                Kill(ServeProcess.PidOf(rendering));
                return serve;
            case KillPoint.WorkerAfterClipUpload:
                var renderer = ServeProcess.PidOf(await RenderingLineAsync(serve, 0));
                await WaitForBlobAsync(blobs, new BlobPath(BlobContainers.Work, $"{JobId}/segments/0000.mp4"));
                Kill(renderer);
                return serve;
            case KillPoint.WorkersDuringStitch:
                await WaitForBlobAsync(blobs, new BlobPath(BlobContainers.Work, $"{JobId}/stitch-request.json"));
                await Task.Delay(TimeSpan.FromSeconds(0.5), Ct);
                foreach (var pid in serve.WorkerPids.Values)
                {
                    Kill(pid);
                }

                return serve;
            default:
                await RenderingLineAsync(serve, 1);
                var orphans = serve.WorkerPids.Values.ToList();
                serve.KillHard();
                await serve.DisposeAsync();
                var until = DateTime.UtcNow.AddSeconds(30);
                while (orphans.Any(ServeProcess.IsAlive) && DateTime.UtcNow < until)
                {
                    await Task.Delay(200, Ct);
                }

                return await restart();
        }
    }

    private static Task<string> RenderingLineAsync(ServeProcess serve, int segment) =>
        serve.WaitForLineAsync(l => KilledJobChecks.IsRendering(JobId)(l) && l.Contains($"segment {segment} ", StringComparison.Ordinal),
            TimeSpan.FromMinutes(4), $"a worker to start rendering segment {segment}", Ct);

    private static async Task WaitForBlobAsync(IBlobStore blobs, BlobPath path)
    {
        var until = DateTime.UtcNow.AddMinutes(4);
        while (!await blobs.ExistsAsync(path, Ct))
        {
            Assert.True(DateTime.UtcNow < until, $"{path} did not appear within 4 minutes");
            await Task.Delay(50, Ct);
        }
    }

    private static double Number(string name, double fallback) =>
        Environment.GetEnvironmentVariable("ECHOMIMIC_DETERMINISM_" + name) is { Length: > 0 } text
            ? double.Parse(text, CultureInfo.InvariantCulture)
            : fallback;

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone (it finished its part, or serve replaced it).
        }
    }
}
