using System.Net;
using System.Net.Sockets;
using EchoMimic.Core.Webhooks;
using EchoMimic.Infrastructure.Webhooks;

namespace EchoMimic.Infrastructure.Tests.Webhooks;

public sealed class HttpWebhookTransportTests
{
    private static readonly Dictionary<string, string> Headers = new()
    {
        ["webhook-id"] = "evt-1",
        ["content-type"] = "application/cloudevents+json; charset=utf-8",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Name_resolving_to_loopback_is_refused_at_connect_time_for_good()
    {
        using var transport = new HttpWebhookTransport(WebhookTargetPolicy.PublicOnly);

        // "localhost" passes no IP literal check; the connect callback sees 127.0.0.1 / ::1 and refuses.
        var response = await transport.PostAsync(new Uri("http://localhost:9/hook"), Headers, "{}", Ct);

        Assert.False(response.Delivered);
        Assert.True(response.Permanent);
        Assert.StartsWith("target refused: localhost:", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allowed_private_target_receives_body_and_headers_and_redirects_are_not_followed()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        using var transport = new HttpWebhookTransport(WebhookTargetPolicy.AllowPrivate);

        var first = transport.PostAsync(new Uri($"http://127.0.0.1:{port}/ok"), Headers, "{\"a\":1}", Ct);
        var context = await listener.GetContextAsync();
        var body = await new StreamReader(context.Request.InputStream).ReadToEndAsync(Ct);
        var id = context.Request.Headers["webhook-id"];
        var type = context.Request.ContentType;
        context.Response.StatusCode = 204;
        context.Response.Close();
        var delivered = await first;

        var second = transport.PostAsync(new Uri($"http://127.0.0.1:{port}/moved"), Headers, "{}", Ct);
        var redirect = await listener.GetContextAsync();
        redirect.Response.StatusCode = 307;
        redirect.Response.RedirectLocation = "http://169.254.169.254/latest/meta-data";
        redirect.Response.Close();
        var moved = await second;

        Assert.True(delivered.Delivered);
        Assert.Equal(204, delivered.StatusCode);
        Assert.Equal("{\"a\":1}", body);
        Assert.Equal("evt-1", id);
        Assert.StartsWith("application/cloudevents+json", type, StringComparison.Ordinal);
        Assert.False(moved.Delivered);
        Assert.Equal(307, moved.StatusCode);
        Assert.False(moved.Permanent);
    }

    [Fact]
    public async Task Unreachable_target_is_a_transient_failure()
    {
        using var transport = new HttpWebhookTransport(WebhookTargetPolicy.AllowPrivate, TimeSpan.FromSeconds(5));

        var response = await transport.PostAsync(new Uri($"http://127.0.0.1:{FreePort()}/none"), Headers, "{}", Ct);

        Assert.False(response.Delivered);
        Assert.False(response.Permanent);
        Assert.NotNull(response.Error);
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
