using System.Net;

namespace EchoMimic.GpuWorker.Hosting;

/// <summary>
/// GET /healthz on the replica: 503 while the models load, 200 once they are loaded and the loops run. Container
/// Apps probes it (and the image's HEALTHCHECK), so a replica that never finishes loading is restarted.
/// Any other path is 404.
/// </summary>
public sealed class HealthEndpoint : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task serving;
    private volatile bool ready;

    /// <param name="host">"+" (every interface) in the container; "127.0.0.1" in tests.</param>
    public HealthEndpoint(int port, string host = "+")
    {
        listener.Prefixes.Add($"http://{host}:{port}/");
        listener.Start();
        serving = ServeAsync();
    }

    public bool Ready
    {
        get => ready;
        set => ready = value;
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            using var response = context.Response;
            var (status, body) = context.Request.Url?.AbsolutePath == "/healthz"
                ? ready ? (200, "ok\n") : (503, "loading models\n")
                : (404, "not found\n");
            response.StatusCode = status;
            response.ContentType = "text/plain";
            var bytes = System.Text.Encoding.UTF8.GetBytes(body);
            response.ContentLength64 = bytes.Length;
            try
            {
                await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            }
            catch (HttpListenerException)
            {
                // The prober went away; nothing to answer.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await serving.ConfigureAwait(false);
    }
}
