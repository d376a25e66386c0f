using System.Net;
using System.Net.Sockets;
using System.Text;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;

namespace EchoMimic.Infrastructure.Webhooks;

/// <summary>
/// Posts webhooks over HTTP. The SSRF policy is applied in the connect callback to the addresses DNS actually
/// returned, so a public-looking name that resolves to 10.x or 169.254.169.254 is refused (and DNS rebinding between
/// check and connect is impossible). Redirects are not followed: a 3xx is a failed attempt, never a new target.
/// </summary>
public sealed class HttpWebhookTransport : IWebhookTransport, IDisposable
{
    private readonly HttpClient client;

    public HttpWebhookTransport(WebhookTargetPolicy policy, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
                var refusal = addresses.Length == 0 ? "no address" : addresses.Select(policy.RefusalFor).FirstOrDefault(r => r is not null);
                if (refusal is not null)
                {
                    throw new TargetRefusedException($"{context.DnsEndPoint.Host}: {refusal}");
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        client = new HttpClient(handler) { Timeout = timeout ?? TimeSpan.FromSeconds(30) };
    }

    public async Task<WebhookResponse> PostAsync(Uri target, IReadOnlyDictionary<string, string> headers, string body,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target);
        var contentType = headers.TryGetValue("content-type", out var type) ? type : "application/json";
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in headers)
        {
            if (!name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        try
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return new WebhookResponse((int)response.StatusCode, response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (HttpRequestException e) when (e.InnerException is TargetRefusedException refused)
        {
            return new WebhookResponse(null, $"target refused: {refused.Message}", Permanent: true);
        }
        catch (HttpRequestException e)
        {
            return new WebhookResponse(null, e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookResponse(null, $"timed out after {client.Timeout.TotalSeconds:0} s");
        }
    }

    public void Dispose() => client.Dispose();

    private sealed class TargetRefusedException(string message) : IOException(message);
}
