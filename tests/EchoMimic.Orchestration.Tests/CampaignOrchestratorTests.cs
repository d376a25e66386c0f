using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.Campaigns;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Orchestration.Tests;

public sealed class CampaignOrchestratorTests
{
    [Fact]
    public async Task Campaign_renders_every_row_keeps_a_bad_row_to_itself_and_sends_one_webhook()
    {
        await using var plane = await ControlPlane.StartAsync(workers: 2);
        await plane.UploadInputsAsync("camp/r1", seconds: 1);
        await plane.UploadInputsAsync("camp/r2", seconds: 1);
        await plane.UploadInputsAsync("camp/r3", seconds: 1, withAudio: false);
        const string manifest = """
            id,reference,audio,metadata.customer
            r1,uploads/camp/r1/ref.png,uploads/camp/r1/speech.wav,acme
            r2,uploads/camp/r2/ref.png,uploads/camp/r2/speech.wav,globex
            r3,uploads/camp/r3/ref.png,uploads/camp/r3/speech.wav,initech
            """;
        const string defaults = """{ "inputs": { "pose": { "gesture": "talk" } }, "settings": { "width": 64, "height": 64, "seed": 3 } }""";
        var start = RenderJobIntake.AcceptCampaign(manifest, "rows.csv", defaults, "camp-1", 2, plane.Receiver.Url, plane.Options, new Random(1));

        var done = await plane.WaitAsync(await plane.StartAsync(start), TimeSpan.FromSeconds(240));

        var outcome = done.ReadOutputAs<CampaignOutcome>()!;
        Assert.Equal(["r1", "r2", "r3"], outcome.Rows.Select(r => r.RowId));
        Assert.Equal([JobStatus.Succeeded, JobStatus.Succeeded, JobStatus.Failed], outcome.Rows.Select(r => r.Status));
        Assert.Equal("input missing: uploads/camp/r3/speech.wav", outcome.Rows[2].Error);
        Assert.EndsWith("camp-1-r1/video.mp4", outcome.Rows[0].OutputUrl, StringComparison.Ordinal);
        Assert.True(File.Exists(plane.Blobs.FileOf(new BlobPath(BlobContainers.Renders, "camp-1-r2/video.mp4"))));
        Assert.Equal("3 of 3 rows", done.ReadCustomStatusAs<CampaignProgress>()!.Progress);

        var webhook = await plane.Receiver.WaitForAsync(d => d.WebhookId == "camp-1.completed", TimeSpan.FromSeconds(10));
        Assert.Null(webhook.SignatureError);
        Assert.Equal(2, webhook.Data.GetProperty("succeeded").GetInt32());
        Assert.Equal(1, webhook.Data.GetProperty("failed").GetInt32());
        Assert.Equal(3, webhook.Data.GetProperty("rows").GetArrayLength());
        Assert.Single(plane.Receiver.Deliveries, d => d.WebhookId == "camp-1.completed");
        var jobs = new List<JobRecord>();
        await foreach (var job in plane.Index.ListAsync("camp-1", 10, TestContext.Current.CancellationToken))
        {
            jobs.Add(job);
        }

        Assert.Equal(3, jobs.Count);
    }
}
