using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EchoMimic.Core.Ports;

namespace EchoMimic.Cli.Tests.Campaigns;

/// <summary>
/// Issue 10's campaign done-when, all real: a 20-row CSV manifest submitted with <c>echomimic campaign --wait</c>
/// to the local stack's HTTP API (Azurite, Durable Task Azure Storage provider, 2 workers on demo weights, ffmpeg),
/// one row whose reference image is not an image. Expect 19 MP4s in renders, the bad row failed alone with its
/// error, and one signed campaign webhook listing all 20 rows.
/// </summary>
[Collection(ServeStackCollection.Name)]
public sealed class CampaignEndToEndTests(ServeStackFixture fixture)
{
    private const int Rows = 20;
    private const string BadRow = "r07";
    // Rows rendering at once. Rows share their inputs, so the first rows' Prepare fills the preparation cache that
    // the later rows reuse: all 20 at once would compute it 20 times over (measured in docs/control-plane.md).
    private const int Concurrency = 4;
    private const string Broken = ServeStackFixture.Broken;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Twenty_row_campaign_gives_nineteen_videos_one_failed_row_and_one_webhook_listing_every_row()
    {
        var stack = fixture.Stack;
        var defaults = Path.Combine(fixture.Files, "campaign-defaults.json");
        await File.WriteAllTextAsync(defaults, $$"""
            {
              "schemaVersion": 1,
              "inputs": { "reference": "{{ServeStackFixture.Reference}}", "audio": "{{ServeStackFixture.Audio}}", "pose": { "gesture": "breathing" } },
              "settings": {{ServeStackFixture.SmallSettingsJson(1)}}
            }
            """, Ct);
        var csv = new StringBuilder("id,seed,reference,metadata.customer\n");
        for (var row = 1; row <= Rows; row++)
        {
            var id = RowId(row);
            csv.Append(CultureInfo.InvariantCulture, $"{id},{100 + row},{(id == BadRow ? Broken : "")},customer-{row}\n");
        }

        var manifest = Path.Combine(fixture.Files, "spring.csv");
        await File.WriteAllTextAsync(manifest, csv.ToString(), Ct);

        var run = await ServeStackFixture.RunCliAsync("campaign", manifest, "--defaults", defaults, "--webhook", fixture.Receiver.Url.ToString(),
            "--concurrency", Concurrency.ToString(CultureInfo.InvariantCulture), "--id", "spring", "--api", stack.ApiAddress.ToString(), "--wait");

        // A campaign with a failed row exits 1 (scripts notice), after listing every row.
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\nstdout: {run.Output}\nstderr: {run.Error}");
        Assert.StartsWith("spring submitted (/campaigns/spring)", run.Output, StringComparison.Ordinal);
        Assert.Contains($"19 succeeded, 1 failed of {Rows} rows", run.Output, StringComparison.Ordinal);
        Assert.Matches($@"campaigns/spring: Running \d+ of {Rows} rows", run.Progress);

        // One campaign webhook, signature valid, every row with its video URL or its error.
        var webhook = await fixture.Receiver.WaitForAsync(d => d.WebhookId == "spring.completed", TimeSpan.FromSeconds(30));
        Assert.Null(webhook.SignatureError);
        Assert.Equal("cloud.echomimic.campaign.completed", webhook.Event.GetProperty("type").GetString());
        Assert.Equal(19, webhook.Data.GetProperty("succeeded").GetInt32());
        Assert.Equal(1, webhook.Data.GetProperty("failed").GetInt32());
        var rows = webhook.Data.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, Rows).Select(RowId), rows.Select(r => r.GetProperty("rowId").GetString()));
        foreach (var row in rows)
        {
            var id = row.GetProperty("rowId").GetString();
            Assert.Equal($"spring-{id}", row.GetProperty("jobId").GetString());
            if (id == BadRow)
            {
                Assert.Equal("failed", row.GetProperty("status").GetString());
                Assert.False(row.TryGetProperty("outputUrl", out _));
                Assert.Equal($"{Broken}: is not a readable image (PNG, JPEG or WebP expected)", row.GetProperty("error").GetString());
            }
            else
            {
                Assert.Equal("succeeded", row.GetProperty("status").GetString());
                Assert.EndsWith($"spring-{id}/video.mp4", row.GetProperty("outputUrl").GetString(), StringComparison.Ordinal);
                Assert.False(row.TryGetProperty("error", out _));
            }
        }

        // 19 MP4s in renders, one per good row, none for the bad one.
        var videos = new List<string>();
        await foreach (var blob in stack.Blobs.ListAsync(BlobContainers.Renders, "spring-", Ct))
        {
            if (blob.Path.Name.EndsWith(".mp4", StringComparison.Ordinal))
            {
                videos.Add(blob.Path.Name);
                var bytes = await stack.Blobs.ReadBytesAsync(blob.Path, Ct);
                Assert.Equal("ftyp", Encoding.ASCII.GetString(bytes!, 4, 4));
            }
        }

        Assert.Equal(Enumerable.Range(1, Rows).Select(RowId).Where(id => id != BadRow).Select(id => $"spring-{id}/video.mp4"), videos.Order());

        // The API agrees, and no second campaign webhook follows.
        using var http = new HttpClient { BaseAddress = stack.ApiAddress };
        var status = await http.GetFromJsonAsync<JsonElement>("campaigns/spring", Ct);
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal(Rows, status.GetProperty("outcome").GetProperty("rows").GetArrayLength());
        // The campaign webhook is a sub-orchestration the campaign awaits: Completed means every delivery was made.
        Assert.Single(fixture.Receiver.Deliveries, d => d.WebhookId == "spring.completed");
        TestContext.Current.SendDiagnosticMessage(
            $"campaign e2e: stack up in {fixture.StartupTime.TotalSeconds:F1} s, {Rows} rows submitted to done in {run.Elapsed.TotalSeconds:F1} s");
    }

    private static string RowId(int row) => "r" + row.ToString("D2", CultureInfo.InvariantCulture);
}
