using System.Net;
using System.Net.Sockets;
using EchoMimic.GpuWorker.Hosting;

namespace EchoMimic.GpuWorker.Tests;

public sealed class HealthEndpointTests
{
    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Answers_503_while_loading_then_200_when_ready()
    {
        var port = FreePort();
        await using var health = new HealthEndpoint(port, "127.0.0.1");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var ct = TestContext.Current.CancellationToken;

        using (var loading = await http.GetAsync("healthz", ct))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, loading.StatusCode);

        health.Ready = true;
        using (var ready = await http.GetAsync("healthz", ct))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("ok\n", await ready.Content.ReadAsStringAsync(ct));
        }

        using (var other = await http.GetAsync("metrics", ct))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task Stops_listening_when_disposed()
    {
        var port = FreePort();
        var health = new HealthEndpoint(port, "127.0.0.1") { Ready = true };
        await health.DisposeAsync();
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() =>
            http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"), TestContext.Current.CancellationToken));
    }
}
