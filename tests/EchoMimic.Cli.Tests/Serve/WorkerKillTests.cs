using System.Diagnostics;
using Azure.Storage.Blobs;
using EchoMimic.Cli.Serve;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary>
/// Issue 10: <c>kill -9</c> of a worker process mid-segment. <c>echomimic serve</c> runs as a real child of the test with
/// one <c>echomimic worker</c> child on a test-owned Azurite, rendering a 1 s job (64x64, 2 steps, one 24-frame
/// segment) on demo weights, with ffmpeg and a signature-verifying webhook receiver; the worker is killed while it
/// renders. Serve restarts it (same id, new pid), the segment's lease expires and the new process renders it: one
/// complete video, one webhook id, and serve then stops cleanly on SIGTERM with no worker left.
/// </summary>
public sealed class WorkerKillTests
{
    // Short leases so a killed worker's segment comes back within seconds (production: 300 s).
    private const int LeaseSeconds = 5;
    private const double AudioSeconds = 1.0;

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
        await using var serve = ServeProcess.Start(azurite.ConnectionString, "kw", 1, secret, scratch, log, LeaseSeconds);
        await serve.WaitForLineAsync(l => l.StartsWith(EchoMimic.Cli.Commands.ServeCommand.ServingMarker, StringComparison.Ordinal), TimeSpan.FromMinutes(2), "serve to come up", Ct);
        var blobs = new AzureBlobStore(new BlobServiceClient(azurite.ConnectionString));
        await TestJobs.UploadAsync(blobs, "kill/worker", AudioSeconds, receiver.Url, Ct);

        // Kill -9 the worker process that is rendering the segment, while it renders.
        var rendering = await serve.WaitForLineAsync(KilledJobChecks.IsRendering("kill-worker"), TimeSpan.FromMinutes(4), "a worker to start rendering", Ct);
        var victim = ServeProcess.PidOf(rendering);
        using (var process = Process.GetProcessById(victim))
        {
            process.Kill();
        }

        var killedAt = clock.Elapsed;
        await serve.WaitForLineAsync(l => l.Contains($"(pid {victim}) died unexpectedly", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "serve to notice the death", Ct);
        await serve.WaitUntilAsync(() => serve.Lines.Count(l => l.Contains(" started (pid ", StringComparison.Ordinal)) == 2,
            TimeSpan.FromSeconds(30), "the restart of the killed worker", Ct);

        await KilledJobChecks.AssertOneVideoAndOneWebhookIdAsync(blobs, receiver, "kill-worker", Ct);
        var finished = clock.Elapsed;
        // The segment was rendered to the end exactly once, after the kill, by the restarted process (same id, new pid).
        var rendered = Assert.Single(serve.Lines, l => l.Contains("rendered job kill-worker segment 0", StringComparison.Ordinal));
        Assert.StartsWith("[kw-worker-0 pid ", rendered, StringComparison.Ordinal);
        Assert.NotEqual(victim, ServeProcess.PidOf(rendered));

        await KilledJobChecks.StopWithSigtermAsync(serve, Ct);
        TestContext.Current.SendDiagnosticMessage($"kill worker: killed at {killedAt.TotalSeconds:F0} s, webhook at {finished.TotalSeconds:F0} s, total {clock.Elapsed.TotalSeconds:F0} s");
        Directory.Delete(scratch, recursive: true);
    }
}
