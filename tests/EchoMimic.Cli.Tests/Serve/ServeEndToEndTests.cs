using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using EchoMimic.Cli.Serve;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Samples;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary>
/// The local stack end to end, all real: Azurite, the Durable Task Azure Storage provider, the upload watcher, the
/// engine on demo weights in 2 worker processes (64x64, 2 steps, 2 s of audio: 2 segments of 24 frames), ffmpeg, and a webhook receiver on 127.0.0.1 that verifies
/// the Standard Webhooks signature with the library's verifier.
/// </summary>
public sealed class ServeEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Uploaded_job_json_becomes_an_mp4_in_renders_and_one_signed_webhook()
    {
        var clock = Stopwatch.StartNew();
        await using var azurite = await Azurite.StartAsync();
        var secret = WebhookSigner.NewSecret();
        await using var receiver = new WebhookReceiver(secret);
        var scratch = Directory.CreateTempSubdirectory("serve-e2e-").FullName;
        var logFile = Path.Combine(Path.GetTempPath(), "serve-e2e.log");
        File.Delete(logFile);
        var log = new FileLog(logFile);
        using var loggerFactory = new Microsoft.Extensions.Logging.LoggerFactory([log]);
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions(azurite.ConnectionString, DemoWeights.Create())
        {
            Workers = 2,
            Port = 0,
            WebhookSecret = secret,
            ScratchRoot = scratch,
            Output = log.WriteLine,
            JobOptions = RenderJobOptions.Default with
            {
                SegmentLength = 24,
                Overlap = 12,
                EventSource = new Uri("urn:echomimic:serve-test"),
            },
        }, loggerFactory, Ct);
        var started = clock.Elapsed;

        // Inputs first, job.json last (the documented convention); the folder names the job.
        await stack.Blobs.PutBytesAsync(new BlobPath(BlobContainers.Uploads, "acme/spot/ref.png"), PortraitPainter.PaintPng(64), true, Ct);
        await stack.Blobs.PutBytesAsync(new BlobPath(BlobContainers.Uploads, "acme/spot/speech.wav"), await TestJobs.ToneWavAsync(2.0, Ct), true, Ct);
        await stack.Blobs.PutTextAsync(new BlobPath(BlobContainers.Uploads, "acme/spot/job.json"), $$"""
            {
              "schemaVersion": 1,
              "inputs": { "reference": "uploads/acme/spot/ref.png", "audio": "uploads/acme/spot/speech.wav", "pose": { "gesture": "breathing" } },
              "settings": { "mode": "accelerated", "steps": 2, "width": 64, "height": 64, "fps": 24, "seed": 7 },
              "webhook": { "url": "{{receiver.Url}}" },
              "metadata": { "campaign": "spring" }
            }
            """, true, Ct);

        using var http = new HttpClient { BaseAddress = stack.ApiAddress };
        var delivery = await WaitForWebhookAsync(receiver, http, stack, TimeSpan.FromMinutes(5));
        var elapsed = clock.Elapsed;

        Assert.Null(delivery.SignatureError);
        Assert.Equal("cloud.echomimic.job.succeeded", delivery.Event.GetProperty("type").GetString());
        Assert.Equal("acme-spot", delivery.Data.GetProperty("jobId").GetString());
        var video = await stack.Blobs.ReadBytesAsync(JobBlobs.Video("acme-spot", "video.mp4"), Ct);
        Assert.NotNull(video);
        Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(video, 4, 4));
        Assert.NotNull(await stack.Blobs.GetInfoAsync(JobBlobs.Report("acme-spot"), Ct));

        // The orchestration ends right after the webhook; then the API reports the finished job.
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            wait.CancelAfter(TimeSpan.FromMinutes(1));
            await stack.Client.WaitForInstanceCompletionAsync("acme-spot", wait.Token);
        }

        var status = await http.GetFromJsonAsync<JsonElement>("jobs/acme-spot", Ct);
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal("succeeded", status.GetProperty("outcome").GetProperty("status").GetString());
        Assert.Equal(2, status.GetProperty("outcome").GetProperty("segments").GetArrayLength());
        var openApi = await http.GetStringAsync("openapi.json", Ct);
        Assert.Contains("/jobs/{jobId}/cancel", openApi, StringComparison.Ordinal);

        // Exactly one webhook. The delivery is a sub-orchestration the job awaits, so once the job is Completed (waited
        // for above) every delivery it makes has been made: no sleep needed to see a duplicate.
        Assert.Single(receiver.Deliveries);
        TestContext.Current.SendDiagnosticMessage($"serve e2e: stack up in {started.TotalSeconds:F1} s, job.json to webhook in {(elapsed - started).TotalSeconds:F1} s");
        Directory.Delete(scratch, recursive: true);
    }

    /// <summary>Waits for the first webhook; on timeout the failure shows where the job stood.</summary>
    private static async Task<WebhookReceiver.Delivery> WaitForWebhookAsync(WebhookReceiver receiver, HttpClient http, LocalStack stack, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < until)
        {
            if (receiver.Deliveries.TryPeek(out var delivery))
            {
                return delivery;
            }

            var response = await http.GetAsync("jobs/acme-spot", Ct);
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}";
            if (await stack.Client.GetInstanceAsync("acme-spot", true, Ct) is { FailureDetails: { } failure })
            {
                throw new InvalidOperationException($"job orchestration failed: {failure.ErrorType}: {failure.ErrorMessage}\n{failure.StackTrace}");
            }

            await Task.Delay(1000, Ct);
        }

        throw new TimeoutException($"no webhook within {timeout}; last status: {last}");
    }
}
