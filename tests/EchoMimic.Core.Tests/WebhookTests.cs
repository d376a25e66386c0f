using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;

namespace EchoMimic.Core.Tests;

public sealed class WebhookTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Key);

    [Fact]
    public void Job_event_is_a_cloudevent_carrying_status_output_report_and_metadata()
    {
        var factory = new WebhookEventFactory(new Uri("urn:echomimic:test"));
        var time = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        var data = new JobEventData("job-1", JobStatus.Succeeded, "file:///r/job-1/video.mp4", null,
            new JobReportSummary(20.0, 480, 4, 5, 1.1, "file:///r/report.json", null),
            new Dictionary<string, string> { ["customer"] = "acme" });

        var webhookEvent = factory.ForJob(data, time);

        using var json = JsonDocument.Parse(webhookEvent.Body);
        var root = json.RootElement;
        Assert.Equal("1.0", root.GetProperty("specversion").GetString());
        Assert.Equal("job-1.succeeded", root.GetProperty("id").GetString());
        Assert.Equal("job-1.succeeded", webhookEvent.Id);
        Assert.Equal(WebhookEventTypes.JobSucceeded, root.GetProperty("type").GetString());
        Assert.Equal("urn:echomimic:test", root.GetProperty("source").GetString());
        Assert.Equal(time, root.GetProperty("time").GetDateTimeOffset());
        var body = root.GetProperty("data");
        Assert.Equal("job-1", body.GetProperty("jobId").GetString());
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.Equal("file:///r/job-1/video.mp4", body.GetProperty("outputUrl").GetString());
        Assert.Equal(4, body.GetProperty("report").GetProperty("segments").GetInt32());
        Assert.Equal("acme", body.GetProperty("metadata").GetProperty("customer").GetString());
    }

    [Fact]
    public void Unfinished_job_has_no_webhook()
    {
        var factory = new WebhookEventFactory(new Uri("urn:x"));
        var data = new JobEventData("j", JobStatus.Running, null, null, null, new Dictionary<string, string>());

        Assert.Throws<ArgumentException>(() => factory.ForJob(data, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Signature_matches_the_standard_webhooks_construction()
    {
        var signer = new WebhookSigner(Secret);
        var time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        var headers = signer.Sign("msg_1", time, "{\"a\":1}");

        // Standard Webhooks spec: base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")) prefixed "v1,".
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes("msg_1.1700000000.{\"a\":1}")));
        Assert.Equal(expected, headers["webhook-signature"]);
        Assert.Equal("msg_1", headers["webhook-id"]);
        Assert.Equal("1700000000", headers["webhook-timestamp"]);
    }

    [Fact]
    public void Signature_verifies_with_the_library_and_fails_for_a_changed_body()
    {
        var signer = new WebhookSigner(Secret);
        var now = DateTimeOffset.UtcNow;
        var headers = signer.Sign("msg_2", now, "body");
        var verifier = new StandardWebhooks.StandardWebhook(Secret);
        var dictionary = new Microsoft.AspNetCore.Http.HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }

        verifier.Verify("body", dictionary);
        Assert.ThrowsAny<Exception>(() => verifier.Verify("body!", dictionary));
    }

    [Theory]
    [InlineData("")]
    [InlineData("secret")]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_AAAA")]
    public void Malformed_secret_is_an_input_error(string secret)
    {
        var error = Assert.Throws<InputException>(() => new WebhookSigner(secret));
        Assert.Equal("webhook secret", error.Input);
    }

    [Fact]
    public void New_secrets_are_valid_and_distinct()
    {
        var a = WebhookSigner.NewSecret();
        Assert.NotEqual(a, WebhookSigner.NewSecret());
        _ = new WebhookSigner(a);
    }
}
