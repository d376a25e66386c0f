using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using StandardWebhooks;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary>
/// A real HTTP endpoint on 127.0.0.1 that receives webhooks and verifies their Standard Webhooks signature with the
/// library's own verifier (as a customer would). The first <see cref="FailFirst"/> requests get HTTP 503.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly StandardWebhook verifier;
    private readonly Task loop;
    private int requests;

    public WebhookReceiver(string secret)
    {
        verifier = new StandardWebhook(secret);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = new Uri($"http://127.0.0.1:{port}/hooks/");
        listener.Prefixes.Add(Url.ToString());
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public int FailFirst { get; set; }

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public async Task<Delivery> WaitForAsync(Func<Delivery, bool> match, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (Deliveries.FirstOrDefault(match) is { } delivery)
            {
                return delivery;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no matching webhook within {timeout}; got {Deliveries.Count}");
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = new Microsoft.AspNetCore.Http.HeaderDictionary();
            foreach (var name in context.Request.Headers.AllKeys)
            {
                headers[name!] = context.Request.Headers[name];
            }

            string? signatureError = null;
            try
            {
                verifier.Verify(body, headers);
            }
            catch (Exception e)
            {
                signatureError = e.Message;
            }

            var failing = Interlocked.Increment(ref requests) <= FailFirst;
            if (!failing)
            {
                Deliveries.Enqueue(new Delivery(headers["webhook-id"].ToString(), body, signatureError, context.Request.ContentType));
            }

            context.Response.StatusCode = failing ? 503 : 204;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }

    public sealed record Delivery(string WebhookId, string Body, string? SignatureError, string? ContentType)
    {
        public JsonElement Event => JsonDocument.Parse(Body).RootElement;

        public JsonElement Data => Event.GetProperty("data");
    }
}
