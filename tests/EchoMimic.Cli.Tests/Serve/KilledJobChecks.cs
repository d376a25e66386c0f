using System.Diagnostics;
using Azure.Storage.Blobs;
using EchoMimic.Cli.Serve;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary>What the kill tests check once a job has gone through a killed process.</summary>
internal static class KilledJobChecks
{
    /// <summary>Frames of the tests' 1 s job at 24 fps (the audio's length, not our planner's word).</summary>
    public const int ExpectedFrames = 24;

    public static Func<string, bool> IsRendering(string jobId) =>
        line => line.StartsWith('[') && line.Contains($"{AnnouncingSegmentRenderer.RenderingMarker}job {jobId} segment", StringComparison.Ordinal);

    /// <summary>One succeeded event (any number of deliveries, one webhook id, valid signatures) and one whole MP4.</summary>
    public static async Task AssertOneVideoAndOneWebhookIdAsync(AzureBlobStore blobs, WebhookReceiver receiver, string jobId, CancellationToken ct)
    {
        var first = await receiver.WaitForAsync(_ => true, TimeSpan.FromMinutes(5));
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // a duplicate event with another id would come now
        Assert.Equal("cloud.echomimic.job.succeeded", first.Event.GetProperty("type").GetString());
        Assert.Equal(jobId, first.Data.GetProperty("jobId").GetString());
        Assert.Single(receiver.Deliveries.Select(d => d.WebhookId).Distinct());
        Assert.All(receiver.Deliveries, d => Assert.Null(d.SignatureError));

        var videos = new List<string>();
        await foreach (var blob in blobs.ListAsync(BlobContainers.Renders, jobId + "/", ct))
        {
            if (blob.Path.Name.EndsWith(".mp4", StringComparison.Ordinal))
            {
                videos.Add(blob.Path.Name);
            }
        }

        var video = Assert.Single(videos);
        var bytes = await blobs.ReadBytesAsync(new BlobPath(BlobContainers.Renders, video), ct);
        Assert.Equal(ExpectedFrames, await TestJobs.CountFramesAsync(bytes!, ct));
    }

    /// <summary>SIGTERM: serve stops its workers and itself in order, exit code 0, nothing left running.</summary>
    public static async Task StopWithSigtermAsync(ServeProcess serve, CancellationToken ct)
    {
        var workers = serve.WorkerPids.Values.ToList();
        var exitCode = await serve.SignalAndWaitAsync("TERM", TimeSpan.FromSeconds(60), ct);
        Assert.Equal(0, exitCode);
        Assert.Contains("stopped", serve.Lines);
        Assert.DoesNotContain(workers, ServeProcess.IsAlive);
    }
}
