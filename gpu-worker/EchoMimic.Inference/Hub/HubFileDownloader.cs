using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using EchoMimic.Core;

namespace EchoMimic.Inference.Hub;

/// <summary>
/// Fetches files over the hub's plain HTTP file URLs the way huggingface_hub's <c>hf_hub_download</c> does: a HEAD
/// on <c>{endpoint}/{repo}/resolve/{revision}/{path}</c> without following the redirect to the CDN gives the size
/// (<c>X-Linked-Size</c>) and, for LFS files, the SHA-256 (<c>X-Linked-Etag</c>); the GET follows redirects, sends
/// the token only to the endpoint (presigned CDN URLs reject a second credential) and writes into
/// <c>FILE.part</c>. A broken transfer continues from the <c>.part</c> file with a Range request, in the same run
/// or the next; the file gets its final name only after its size and checksum match. Whatever the user can fix
/// (404, refused token, unreachable server, a corrupt copy) is a <see cref="PrerequisiteException"/> naming the file
/// and the fix; a folder that cannot be written is an <see cref="InputException"/> naming it.
/// </summary>
public sealed class HubFileDownloader(HubSettings hub, HubDownloadOptions? options = null, HttpMessageHandler? handler = null) : IDisposable
{
    private const int MaxRedirects = 10;
    private readonly HubDownloadOptions options = options ?? new HubDownloadOptions();
    private readonly HttpClient http = CreateClient(handler);

    private sealed record Remote(long? Size, string? Sha256);

    /// <summary>A transfer that broke off or stalled: retried from the <c>.part</c> file.</summary>
    private sealed class BrokenTransferException(string reason) : Exception(reason);

    public async Task<DownloadResult> DownloadAsync(RemoteWeightFile file, string directory, IProgress<DownloadProgress>? progress, CancellationToken cancellation)
    {
        var target = Path.Combine(Path.GetFullPath(directory), file.RelativePath.Replace('/', Path.DirectorySeparatorChar));
        var part = target + ".part";
        var remote = await RemoteAsync(file, target, cancellation);
        if (remote.Size is { } size && File.Exists(target) && new FileInfo(target).Length == size)
            return new DownloadResult(file, target, size, DownloadOutcome.AlreadyPresent, null);
        CreateFolder(target);

        for (var pass = 0; ; pass++)
        {
            var resumed = await TransferWithRetriesAsync(file, remote, target, part, progress, cancellation);
            progress?.Report(new DownloadProgress(file.RelativePath, DownloadStage.Verifying, PartLength(part), remote.Size));
            var (sha256, problem) = await VerifyAsync(file, remote, part, cancellation);
            if (problem is null)
            {
                Publish(part, target);
                return new DownloadResult(file, target, new FileInfo(target).Length, resumed ? DownloadOutcome.Resumed : DownloadOutcome.Downloaded, sha256);
            }
            File.Delete(part);
            // A .part left by an earlier run may hold bytes of another version of the file: one clean start.
            if (resumed && pass == 0)
            {
                progress?.Report(new DownloadProgress(file.RelativePath, DownloadStage.Retrying, 0, remote.Size) { Reason = $"{problem}; starting over" });
                continue;
            }
            throw new PrerequisiteException(target, $"{problem}; the file was deleted", $"run the command again; if it fails the same way, the server ({file.SourceVariable}) serves a corrupt copy");
        }
    }

    /// <summary>Size and SHA-256 from a HEAD, following same-server redirects and stopping at the hop to the CDN.</summary>
    private async Task<Remote> RemoteAsync(RemoteWeightFile file, string target, CancellationToken cancellation)
    {
        var url = file.Url;
        long? linkedSize = null;
        string? linkedSha = null, endpointSha = null;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var response = await SendForMetadataAsync(file, target, url, cancellation);
            if (Header(response, "X-Linked-Size") is { } s && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) linkedSize ??= parsed;
            linkedSha ??= Sha256Hex.FromEtag(Header(response, "X-Linked-Etag"));
            if (hub.IsEndpoint(url)) endpointSha ??= Sha256Hex.FromEtag(response.Headers.ETag?.Tag);
            var sha = file.Sha256 ?? linkedSha ?? (file.Repo is null ? null : endpointSha);

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                var next = new Uri(url, location);
                if (linkedSize is not null && !string.Equals(next.Authority, url.Authority, StringComparison.OrdinalIgnoreCase))
                    return new Remote(linkedSize, sha);
                url = next;
                continue;
            }
            if (response.IsSuccessStatusCode) return new Remote(linkedSize ?? response.Content.Headers.ContentLength, sha);
            throw Refused(file, target, url, response);
        }
        throw new PrerequisiteException(target, $"more than {MaxRedirects} redirects from {file.Url}", $"set {file.SourceVariable} to a server that answers directly");
    }

    private async Task<HttpResponseMessage> SendForMetadataAsync(RemoteWeightFile file, string target, Uri url, CancellationToken cancellation)
    {
        using var timeout = new CancellationTokenSource(options.IdleTimeout, options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
        try
        {
            return await http.SendAsync(Request(HttpMethod.Head, url, 0), HttpCompletionOption.ResponseHeadersRead, linked.Token);
        }
        catch (HttpRequestException e)
        {
            throw new PrerequisiteException(target, $"cannot reach {url.GetLeftPart(UriPartial.Authority)} ({e.Message})", $"check the network, or {SourceFix(file)}");
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new PrerequisiteException(target, $"no answer from {url.GetLeftPart(UriPartial.Authority)} within {options.IdleTimeout.TotalSeconds:0} s", $"check the network, or {SourceFix(file)}");
        }
    }

    private async Task<bool> TransferWithRetriesAsync(RemoteWeightFile file, Remote remote, string target, string part, IProgress<DownloadProgress>? progress, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TransferAsync(file, remote, target, part, progress, cancellation);
            }
            catch (BrokenTransferException e) when (attempt < options.Attempts)
            {
                progress?.Report(new DownloadProgress(file.RelativePath, DownloadStage.Retrying, PartLength(part), remote.Size) { Reason = e.Message });
                await Task.Delay(options.RetryDelay * attempt, options.Time, cancellation);
            }
            catch (BrokenTransferException e)
            {
                throw new PrerequisiteException(target, $"the download from {file.Url.GetLeftPart(UriPartial.Authority)} broke off {options.Attempts} times (last: {e.Message}); "
                    + $"{Megabytes(PartLength(part))} of {(remote.Size is { } s ? Megabytes(s) : "?")} MB are kept in {Path.GetFileName(part)}", "run the command again to resume");
            }
        }
    }

    /// <summary>One GET from the end of the <c>.part</c> file; true when it continued bytes an earlier transfer left.</summary>
    private async Task<bool> TransferAsync(RemoteWeightFile file, Remote remote, string target, string part, IProgress<DownloadProgress>? progress, CancellationToken cancellation)
    {
        var offset = PartLength(part);
        if (remote.Size is { } size && offset > size)
        {
            File.Delete(part);
            offset = 0;
        }
        if (remote.Size is { } complete && offset == complete && offset > 0) return true;

        using var idle = new CancellationTokenSource(options.IdleTimeout, options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, idle.Token);
        using var response = await SendWithRedirectsAsync(file, target, offset, linked.Token, cancellation);
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange?.From == offset:
                break;
            case HttpStatusCode.OK:
                offset = 0; // the server ignored the Range header: start over
                break;
            case HttpStatusCode.PartialContent or HttpStatusCode.RequestedRangeNotSatisfiable:
                File.Delete(part);
                throw new BrokenTransferException($"the server refused to continue at byte {offset}; starting over");
            case >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests:
                throw new BrokenTransferException($"HTTP {(int)response.StatusCode}");
            default:
                throw Refused(file, target, file.Url, response);
        }

        progress?.Report(new DownloadProgress(file.RelativePath, DownloadStage.Receiving, offset, remote.Size, offset));
        var expected = remote.Size ?? (response.Content.Headers.ContentLength is { } length ? offset + length : null);
        await using var output = OpenPart(part, offset);
        var received = offset;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
            var buffer = new byte[1 << 16];
            var reported = received;
            while (true)
            {
                idle.CancelAfter(options.IdleTimeout);
                var read = await body.ReadAsync(buffer, linked.Token);
                if (read == 0) break;
                await Write(output, buffer.AsMemory(0, read), part, cancellation);
                received += read;
                if (received - reported >= options.ReportEveryBytes)
                {
                    reported = received;
                    progress?.Report(new DownloadProgress(file.RelativePath, DownloadStage.Receiving, received, remote.Size, offset));
                }
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new BrokenTransferException($"{e.Message} at {Megabytes(received)} MB");
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new BrokenTransferException($"no data for {options.IdleTimeout.TotalSeconds:0} s at {Megabytes(received)} MB");
        }
        progress?.Report(new DownloadProgress(file.RelativePath, DownloadStage.Receiving, received, remote.Size, offset));
        if (expected is { } total && received < total)
            throw new BrokenTransferException($"the connection closed at {Megabytes(received)} of {Megabytes(total)} MB");
        return offset > 0;
    }

    private async Task<HttpResponseMessage> SendWithRedirectsAsync(RemoteWeightFile file, string target, long offset, CancellationToken token, CancellationToken cancellation)
    {
        var url = file.Url;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(Request(HttpMethod.Get, url, offset), HttpCompletionOption.ResponseHeadersRead, token);
            }
            catch (HttpRequestException e)
            {
                throw new BrokenTransferException(e.Message);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new BrokenTransferException($"no answer within {options.IdleTimeout.TotalSeconds:0} s");
            }
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location) return response;
            url = new Uri(url, location);
            response.Dispose();
        }
        throw new PrerequisiteException(target, $"more than {MaxRedirects} redirects from {file.Url}", $"set {file.SourceVariable} to a server that answers directly");
    }

    private HttpRequestMessage Request(HttpMethod method, Uri url, long offset)
    {
        var request = new HttpRequestMessage(method, url);
        if (hub.Token is not null && hub.IsEndpoint(url)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", hub.Token);
        if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
        // Sizes are of the stored bytes: no compressed transfer (huggingface_hub sends the same).
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        return request;
    }

    private static async Task<(string? Sha256, string? Problem)> VerifyAsync(RemoteWeightFile file, Remote remote, string part, CancellationToken cancellation)
    {
        var length = PartLength(part);
        if (remote.Size is { } size && length != size)
            return (null, $"{length} bytes arrived, the server announced {size}");
        if (remote.Sha256 is not { } expected) return (null, null);
        var actual = await Sha256Hex.OfFileAsync(part, cancellation);
        return actual == expected ? (actual, null) : (null, $"SHA-256 {actual} does not match {expected} given by {(file.Repo is null ? "the URL" : "the hub")}");
    }

    private PrerequisiteException Refused(RemoteWeightFile file, string target, Uri url, HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        var hubError = Header(response, "X-Error-Code") is { } error ? $", {error}" : "";
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => new PrerequisiteException(target, $"not found at {url} (HTTP 404{hubError})", SourceFix(file)),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden when file.Repo is not null => new PrerequisiteException(target,
                $"the hub refused access to {url} (HTTP {code}{hubError})", $"set {HubSettings.TokenVariable} to a Hugging Face token that may read {file.Repo}{(hub.Token is null ? "" : " (the one set was refused)")}"),
            _ => new PrerequisiteException(target, $"{url} answered HTTP {code}{hubError}", $"try again later, or {SourceFix(file)}"),
        };
    }

    private string SourceFix(RemoteWeightFile file) => file.Repo is null
        ? $"set {HubSettings.WhisperTinyUrlVariable} to a reachable copy of tiny.pt"
        : $"set {HubSettings.EndpointVariable} (now {hub.Endpoint.GetLeftPart(UriPartial.Authority)}) to a hub or mirror that has {file.Repo}";

    private static void CreateFolder(string target)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(target, $"cannot create its folder ({e.Message}); choose a writable --dir");
        }
    }

    private static FileStream OpenPart(string part, long offset)
    {
        try
        {
            var stream = new FileStream(part, offset > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20, FileOptions.Asynchronous);
            if (offset == 0) stream.SetLength(0);
            return stream;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(part, $"cannot write ({e.Message}); choose a writable --dir");
        }
    }

    private static async Task Write(FileStream output, ReadOnlyMemory<byte> bytes, string part, CancellationToken cancellation)
    {
        try
        {
            await output.WriteAsync(bytes, cancellation);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(part, $"cannot write ({e.Message}); free disk space or choose another --dir (the .part file resumes)");
        }
    }

    private static void Publish(string part, string target)
    {
        try
        {
            File.Move(part, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(target, $"cannot rename {Path.GetFileName(part)} into place ({e.Message})");
        }
    }

    private static long PartLength(string part) => File.Exists(part) ? new FileInfo(part).Length : 0;

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
        or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);

    private static HttpClient CreateClient(HttpMessageHandler? handler)
    {
        handler ??= new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("echomimic-weights/1.0");
        return client;
    }

    public void Dispose() => http.Dispose();
}
