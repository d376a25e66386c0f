using System.Text;
using System.Text.Json;

namespace EchoMimic.Core.Ports;

/// <summary>Convenience reads and writes on top of the <see cref="IBlobStore"/> port.</summary>
public static class BlobStoreExtensions
{
    public static async Task<bool> PutBytesAsync(this IBlobStore store, BlobPath path, ReadOnlyMemory<byte> bytes,
        bool overwrite, CancellationToken cancellationToken)
    {
        await using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        return await store.PutAsync(path, stream, overwrite, cancellationToken).ConfigureAwait(false);
    }

    public static Task<bool> PutTextAsync(this IBlobStore store, BlobPath path, string text, bool overwrite,
        CancellationToken cancellationToken) =>
        store.PutBytesAsync(path, Encoding.UTF8.GetBytes(text), overwrite, cancellationToken);

    public static Task<bool> PutJsonAsync<T>(this IBlobStore store, BlobPath path, T value, bool overwrite,
        CancellationToken cancellationToken) =>
        store.PutBytesAsync(path, JsonSerializer.SerializeToUtf8Bytes(value, MessageJson.Options), overwrite,
            cancellationToken);

    public static async Task<byte[]?> ReadBytesAsync(this IBlobStore store, BlobPath path,
        CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    public static async Task<T?> ReadJsonAsync<T>(this IBlobStore store, BlobPath path,
        CancellationToken cancellationToken)
    {
        var bytes = await store.ReadBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return bytes is null ? default : JsonSerializer.Deserialize<T>(bytes, MessageJson.Options);
    }

    public static async Task<bool> ExistsAsync(this IBlobStore store, BlobPath path,
        CancellationToken cancellationToken) =>
        await store.GetInfoAsync(path, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Copies a committed blob to a local file (for ffmpeg and the engine, which read files).</summary>
    public static async Task DownloadToFileAsync(this IBlobStore store, BlobPath path, string file,
        CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"blob {path} does not exist");
        await using var target = File.Create(file);
        await stream.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<bool> UploadFileAsync(this IBlobStore store, string file, BlobPath path, bool overwrite,
        CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        return await store.PutAsync(path, stream, overwrite, cancellationToken).ConfigureAwait(false);
    }
}
