using System.Diagnostics;
using Azure.Storage.Blobs;
using EchoMimic.Cli.Serve;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary>
/// Issue 10: <c>kill -9</c> of the <c>serve</c> process mid-job (same setup as <see cref="WorkerKillTests"/>). Its worker
/// processes must exit by themselves (their standard input closes), and serve started again with the same worker id
/// must finish the job: one complete video, one webhook id, then a clean SIGTERM stop.
/// </summary>
public sealed class ServeKillTests
{
    // Short leases so a killed worker's segment comes back within seconds (production: 300 s).
    private const int LeaseSeconds = 5;
    private const double AudioSeconds = 1.0;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
            await first.WaitForLineAsync(KilledJobChecks.IsRendering("kill-serve"), TimeSpan.FromMinutes(4), "a worker to start rendering", Ct);
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
        await KilledJobChecks.AssertOneVideoAndOneWebhookIdAsync(blobs, receiver, "kill-serve", Ct);
        var finished = clock.Elapsed;
        Assert.DoesNotContain(second.WorkerPids.Values, orphans.ContainsValue);
        await KilledJobChecks.StopWithSigtermAsync(second, Ct);
        TestContext.Current.SendDiagnosticMessage($"kill serve: restarted at {restartedAt.TotalSeconds:F0} s, webhook at {finished.TotalSeconds:F0} s, total {clock.Elapsed.TotalSeconds:F0} s");
        Directory.Delete(scratch, recursive: true);
    }
}
