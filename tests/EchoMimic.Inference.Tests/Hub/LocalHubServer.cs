using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace EchoMimic.Inference.Tests.Hub;

/// <summary>
/// A Hugging Face hub stand-in on 127.0.0.1 that speaks HTTP/1.1 over real sockets, in the hub's URL layout.
/// <c>/{repo}/resolve/main/{path}</c> on the hub port answers an LFS file with a 302 to a second port (the "CDN",
/// another authority, as the real CDN is) carrying <c>X-Linked-Size</c> and <c>X-Linked-Etag</c> = its SHA-256,
/// and a regular file with the bytes and a git-style SHA-1 ETag; missing files are 404 with <c>X-Error-Code</c>.
/// The CDN port serves blobs and plain URLs (the Whisper download) with Range support. Faults: a file whose
/// first GET is cut off after N bytes (the server closes the connection, as a dropped link does), a file served
/// with a flipped byte under its true checksum, a hub that requires a token. Every request is recorded.
/// </summary>
internal sealed class LocalHubServer : IAsyncDisposable
{
    private readonly TcpListener _hub = new(IPAddress.Loopback, 0);
    private readonly TcpListener _cdn = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, HubEntry> _resolve = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _cdnFiles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _cutOnce = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    private sealed record HubEntry(byte[] Bytes, string? Sha256);

    public sealed record Seen(string Port, string Method, string Path, string? Range, string? Authorization);

    public LocalHubServer()
    {
        _hub.Start();
        _cdn.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_hub.LocalEndpoint).Port}");
        Cdn = new Uri($"http://127.0.0.1:{((IPEndPoint)_cdn.LocalEndpoint).Port}");
        _loops.Add(AcceptAsync(_hub, "hub"));
        _loops.Add(AcceptAsync(_cdn, "cdn"));
    }

    public Uri Endpoint { get; }
    public Uri Cdn { get; }
    public ConcurrentQueue<Seen> Requests { get; } = new();

    /// <summary>When set, hub requests without <c>Authorization: Bearer {token}</c> get 401 (a gated repository).</summary>
    public string? RequiredToken { get; set; }

    /// <summary>An LFS file: resolve redirects to <c>/cdn/{sha256}</c>. <paramref name="corrupt"/> serves it with one byte flipped.</summary>
    public string AddLfs(string repo, string path, byte[] bytes, bool corrupt = false)
    {
        var sha = Sha256(bytes);
        _resolve[ResolvePath(repo, path)] = new HubEntry(bytes, sha);
        _cdnFiles[$"/cdn/{sha}"] = corrupt ? Flipped(bytes) : bytes;
        return $"/cdn/{sha}";
    }

    /// <summary>A regular (non-LFS) git file: served by the hub itself, ETag = git blob SHA-1 (not a SHA-256).</summary>
    public void AddRegular(string repo, string path, byte[] bytes) => _resolve[ResolvePath(repo, path)] = new HubEntry(bytes, null);

    /// <summary>A plain URL on the CDN port; returns its absolute URL.</summary>
    public Uri AddPlain(string path, byte[] bytes)
    {
        _cdnFiles[path] = bytes;
        return new Uri(Cdn, path);
    }

    /// <summary>The first GET of <paramref name="path"/> (a resolve path or a CDN path) sends only <paramref name="bytes"/> bytes of the body, then closes.</summary>
    public void CutFirstTransfer(string path, long bytes) => _cutOnce[path] = bytes;

    public static string ResolvePath(string repo, string path) => $"/{repo}/resolve/main/{path}";

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public IEnumerable<Seen> Gets(string path) => Requests.Where(r => r.Method == "GET" && r.Path == path);

    private static byte[] Flipped(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[copy.Length / 2] ^= 0xFF;
        return copy;
    }

    private async Task AcceptAsync(TcpListener listener, string port)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client, port));
        }
    }

    private async Task ServeAsync(TcpClient client, string port)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                if (head is null) return;
                var lines = head.Split("\r\n");
                var requestLine = lines[0].Split(' ');
                var headers = lines.Skip(1).Where(l => l.Contains(':')).ToDictionary(l => l[..l.IndexOf(':')].Trim(), l => l[(l.IndexOf(':') + 1)..].Trim(), StringComparer.OrdinalIgnoreCase);
                var (method, path) = (requestLine[0], Uri.UnescapeDataString(requestLine[1].Split('?')[0]));
                Requests.Enqueue(new Seen(port, method, path, headers.GetValueOrDefault("Range"), headers.GetValueOrDefault("Authorization")));
                await RespondAsync(stream, port, method, path, headers);
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // The client went away: nothing to answer.
            }
        }
    }

    private async Task RespondAsync(NetworkStream stream, string port, string method, string path, Dictionary<string, string> headers)
    {
        if (port == "hub")
        {
            if (RequiredToken is not null && headers.GetValueOrDefault("Authorization") != $"Bearer {RequiredToken}")
            {
                await WriteAsync(stream, 401, "Unauthorized", [("X-Error-Code", "GatedRepo")], "Access to this repository is restricted."u8.ToArray(), method);
                return;
            }
            if (!_resolve.TryGetValue(path, out var entry))
            {
                await WriteAsync(stream, 404, "Not Found", [("X-Error-Code", "EntryNotFound")], "Entry not found"u8.ToArray(), method);
                return;
            }
            if (entry.Sha256 is { } sha)
            {
                await WriteAsync(stream, 302, "Found",
                    [("Location", new Uri(Cdn, $"/cdn/{sha}").ToString()), ("X-Linked-Size", entry.Bytes.Length.ToString()), ("X-Linked-Etag", $"\"{sha}\""),
                     ("ETag", $"\"{sha}\""), ("X-Repo-Commit", new string('a', 40))], ReadOnlyMemory<byte>.Empty, method);
                return;
            }
            await ServeBytesAsync(stream, method, path, headers, entry.Bytes, $"\"{GitBlobSha1(entry.Bytes)}\"");
            return;
        }
        if (_cdnFiles.TryGetValue(path, out var bytes))
            await ServeBytesAsync(stream, method, path, headers, bytes, $"\"{Convert.ToHexStringLower(MD5.HashData(bytes))}\"");
        else
            await WriteAsync(stream, 404, "Not Found", [], "no such blob"u8.ToArray(), method);
    }

    private async Task ServeBytesAsync(NetworkStream stream, string method, string path, Dictionary<string, string> headers, byte[] bytes, string etag)
    {
        long start = 0;
        if (headers.GetValueOrDefault("Range") is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
            start = long.Parse(range["bytes=".Length..^1]);
        if (start >= bytes.Length && start > 0)
        {
            await WriteAsync(stream, 416, "Range Not Satisfiable", [("Content-Range", $"bytes */{bytes.Length}")], ReadOnlyMemory<byte>.Empty, method);
            return;
        }
        var body = bytes.AsMemory((int)start);
        List<(string, string)> extra = [("ETag", etag), ("Accept-Ranges", "bytes")];
        if (start > 0) extra.Add(("Content-Range", $"bytes {start}-{bytes.Length - 1}/{bytes.Length}"));
        var cut = method == "GET" && _cutOnce.TryRemove(path, out var keep) ? keep : (long?)null;
        await WriteAsync(stream, start > 0 ? 206 : 200, start > 0 ? "Partial Content" : "OK", extra, body, method, cut);
    }

    private static async Task WriteAsync(NetworkStream stream, int status, string reason, IEnumerable<(string Name, string Value)> headers, ReadOnlyMemory<byte> body, string method, long? cutAfter = null)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {reason}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers) head.Append($"{name}: {value}\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        if (method == "HEAD") return;
        await stream.WriteAsync(cutAfter is { } n ? body[..(int)Math.Min(n, body.Length)] : body);
        await stream.FlushAsync();
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length));
            if (read == 0) return null;
            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0) return text[..end];
        }
        return null;
    }

    private static string GitBlobSha1(byte[] bytes) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {bytes.Length}\0"), .. bytes]));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _hub.Stop();
        _cdn.Stop();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }
}
