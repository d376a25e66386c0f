using System.Diagnostics;
using Azure.Storage.Blobs;
using EchoMimic.Cli.Serve;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary>
/// Issue 10's "nothing is lost when any process dies", with real processes: <c>echomimic serve</c> runs as a child of
/// the test with two <c>echomimic worker</c> children, on a test-owned Azurite, rendering a 1 s job (64x64, 2 steps,
/// one 24-frame segment) on demo weights, with ffmpeg and a signature-verifying webhook receiver. A worker, then serve
/// itself, is killed with SIGKILL mid-segment; each time exactly one complete video and one webhook id must come out,
/// no worker process may be left behind, and serve must then stop cleanly on SIGTERM.
/// </summary>
public sealed class WorkerProcessTests
{
    // Short leases so a killed worker's segment comes back within seconds (production: 300 s).
    private const int LeaseSeconds = 5;
    private const double AudioSeconds = 1.0;
    private const int ExpectedFrames = 24;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Worker_process_killed_mid_segment_is_restarted_and_the_job_gives_one_video_and_one_webhook_id()
    {
        var clock = Stopwatch.StartNew();
        await using var azurite = await Azurite.StartAsync();
        var secret = WebhookSigner.NewSecret();
        await using var receiver = new WebhookReceiver(secret);
        var scratch = Directory.CreateTempSubdirectory("kill-worker-").FullName;
        var log = Path.Combine(Path.GetTempPath(), "serve-kill-worker.log");
        File.Delete(log);
        await using var serve = ServeProcess.Start(azurite.ConnectionString, "kw", 2, secret, scratch, log, LeaseSeconds);
        await serve.WaitForLineAsync(l => l.StartsWith(EchoMimic.Cli.Commands.ServeCommand.ServingMarker, StringComparison.Ordinal), TimeSpan.FromMinutes(2), "serve to come up", Ct);
        var blobs = new AzureBlobStore(new BlobServiceClient(azurite.ConnectionString));
        await TestJobs.UploadAsync(blobs, "kill/worker", AudioSeconds, receiver.Url, Ct);

        // Kill -9 the worker process that is rendering the segment, while it renders.
        var rendering = await serve.WaitForLineAsync(IsRendering("kill-worker"), TimeSpan.FromMinutes(4), "a worker to start rendering", Ct);
        var victim = ServeProcess.PidOf(rendering);
        using (var process = Process.GetProcessById(victim))
        {
            process.Kill();
        }

        var killedAt = clock.Elapsed;
        await serve.WaitForLineAsync(l => l.Contains($"(pid {victim}) died unexpectedly", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "serve to notice the death", Ct);
        await serve.WaitUntilAsync(() => serve.Lines.Count(l => l.Contains(" started (pid ", StringComparison.Ordinal)) == 3,
            TimeSpan.FromSeconds(30), "the restart of the killed worker", Ct);

        await AssertOneVideoAndOneWebhookIdAsync(blobs, receiver, "kill-worker");
        var finished = clock.Elapsed;
        // The segment was rendered to the end exactly once after the kill: by the other worker or the restarted one.
        Assert.Single(serve.Lines, l => l.Contains("rendered job kill-worker segment 0", StringComparison.Ordinal));
        Assert.DoesNotContain(serve.Lines, l => l.Contains($"pid {victim}] worker kw-worker-0: rendered", StringComparison.Ordinal)
            || l.Contains($"pid {victim}] worker kw-worker-1: rendered", StringComparison.Ordinal));

        await StopWithSigtermAsync(serve);
        TestContext.Current.SendDiagnosticMessage($"kill worker: killed at {killedAt.TotalSeconds:F0} s, webhook at {finished.TotalSeconds:F0} s, total {clock.Elapsed.TotalSeconds:F0} s");
        Directory.Delete(scratch, recursive: true);
    }

    [Fact]
    public async Task Serve_killed_mid_job_leaves_no_workers_and_a_restart_gives_one_video_and_one_webhook_id()
    {
        var clock = Stopwatch.StartNew();
        await using var azurite = await Azurite.StartAsync();
        var secret = WebhookSigner.NewSecret();
        await using var receiver = new WebhookReceiver(secret);
        var scratch = Directory.CreateTempSubdirectory("kill-serve-").FullName;
        var log = Path.Combine(Path.GetTempPath(), "serve-kill-serve.log");
        File.Delete(log);
        var blobs = new AzureBlobStore(new BlobServiceClient(azurite.ConnectionString));

        Dictionary<string, int> orphans;
        await using (var first = ServeProcess.Start(azurite.ConnectionString, "ks", 2, secret, scratch, log, LeaseSeconds))
        {
            await first.WaitForLineAsync(l => l.StartsWith(EchoMimic.Cli.Commands.ServeCommand.ServingMarker, StringComparison.Ordinal), TimeSpan.FromMinutes(2), "serve to come up", Ct);
            await TestJobs.UploadAsync(blobs, "kill/serve", AudioSeconds, receiver.Url, Ct);
            await first.WaitForLineAsync(IsRendering("kill-serve"), TimeSpan.FromMinutes(4), "a worker to start rendering", Ct);
            orphans = first.WorkerPids.ToDictionary();
            Assert.Equal(2, orphans.Count);
            first.KillHard();

            // The workers notice their parent is gone (standard input closed), give the segment back and exit.
            var until = DateTime.UtcNow.AddSeconds(30);
            while (orphans.Values.Any(ServeProcess.IsAlive) && DateTime.UtcNow < until)
            {
                await Task.Delay(200, Ct);
            }

            Assert.DoesNotContain(orphans.Values, ServeProcess.IsAlive);
        }

        var restartedAt = clock.Elapsed;
        await using var second = ServeProcess.Start(azurite.ConnectionString, "ks", 2, secret, scratch, log, LeaseSeconds);
        await AssertOneVideoAndOneWebhookIdAsync(blobs, receiver, "kill-serve");
        var finished = clock.Elapsed;
        Assert.DoesNotContain(second.WorkerPids.Values, orphans.ContainsValue);
        await StopWithSigtermAsync(second);
        TestContext.Current.SendDiagnosticMessage($"kill serve: restarted at {restartedAt.TotalSeconds:F0} s, webhook at {finished.TotalSeconds:F0} s, total {clock.Elapsed.TotalSeconds:F0} s");
        Directory.Delete(scratch, recursive: true);
    }

    private static Func<string, bool> IsRendering(string jobId) =>
        line => line.StartsWith('[') && line.Contains($"{AnnouncingSegmentRenderer.RenderingMarker}job {jobId} segment", StringComparison.Ordinal);

    /// <summary>One succeeded event (any number of deliveries, one webhook id, valid signatures) and one whole MP4.</summary>
    private static async Task AssertOneVideoAndOneWebhookIdAsync(AzureBlobStore blobs, WebhookReceiver receiver, string jobId)
    {
        var first = await receiver.WaitForAsync(_ => true, TimeSpan.FromMinutes(5));
        await Task.Delay(TimeSpan.FromSeconds(3), Ct); // a duplicate event with another id would come now
        Assert.Equal("cloud.echomimic.job.succeeded", first.Event.GetProperty("type").GetString());
        Assert.Equal(jobId, first.Data.GetProperty("jobId").GetString());
        Assert.Single(receiver.Deliveries.Select(d => d.WebhookId).Distinct());
        Assert.All(receiver.Deliveries, d => Assert.Null(d.SignatureError));

        var videos = new List<string>();
        await foreach (var blob in blobs.ListAsync(BlobContainers.Renders, jobId + "/", Ct))
        {
            if (blob.Path.Name.EndsWith(".mp4", StringComparison.Ordinal))
            {
                videos.Add(blob.Path.Name);
            }
        }

        var video = Assert.Single(videos);
        var bytes = await blobs.ReadBytesAsync(new BlobPath(BlobContainers.Renders, video), Ct);
        Assert.Equal(ExpectedFrames, await TestJobs.CountFramesAsync(bytes!, Ct));
    }

    /// <summary>SIGTERM: serve stops its workers and itself in order, exit code 0, nothing left running.</summary>
    private static async Task StopWithSigtermAsync(ServeProcess serve)
    {
        var workers = serve.WorkerPids.Values.ToList();
        var exitCode = await serve.SignalAndWaitAsync("TERM", TimeSpan.FromSeconds(60), Ct);
        Assert.Equal(0, exitCode);
        Assert.Contains("stopped", serve.Lines);
        Assert.DoesNotContain(workers, ServeProcess.IsAlive);
    }
}
