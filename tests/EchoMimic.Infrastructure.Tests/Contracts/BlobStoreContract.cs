using System.Text;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Tests.Contracts;

/// <summary>
/// What every <see cref="IBlobStore"/> adapter must do. Subclass it per adapter (file system, Azurite) and
/// implement <see cref="CreateStoreAsync"/>; each test gets a fresh, empty store.
/// </summary>
public abstract class BlobStoreContract
{
    protected abstract Task<IBlobStore> CreateStoreAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Written_blob_reads_back_with_its_length()
    {
        var store = await CreateStoreAsync();
        var path = new BlobPath(BlobContainers.Work, "job-1/segments/0000.mp4");
        var bytes = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();

        Assert.True(await store.PutBytesAsync(path, bytes, overwrite: false, Ct));

        Assert.Equal(bytes, await store.ReadBytesAsync(path, Ct));
        var info = await store.GetInfoAsync(path, Ct);
        Assert.NotNull(info);
        Assert.Equal(bytes.Length, info.Length);
        Assert.Equal(path, info.Path);
    }

    [Fact]
    public async Task Missing_blob_reads_as_null()
    {
        var store = await CreateStoreAsync();
        var path = new BlobPath(BlobContainers.Work, "nothing/here.bin");

        Assert.Null(await store.OpenReadAsync(path, Ct));
        Assert.Null(await store.GetInfoAsync(path, Ct));
        Assert.False(await store.DeleteAsync(path, Ct));
    }

    [Fact]
    public async Task Without_overwrite_the_first_writer_wins()
    {
        var store = await CreateStoreAsync();
        var path = new BlobPath(BlobContainers.Renders, "job-1/video.mp4");

        Assert.True(await store.PutTextAsync(path, "first", overwrite: false, Ct));
        Assert.False(await store.PutTextAsync(path, "second", overwrite: false, Ct));

        Assert.Equal("first", Encoding.UTF8.GetString((await store.ReadBytesAsync(path, Ct))!));
    }

    [Fact]
    public async Task With_overwrite_the_last_writer_wins()
    {
        var store = await CreateStoreAsync();
        var path = new BlobPath(BlobContainers.Work, "job-1/state.json");

        await store.PutTextAsync(path, "first", overwrite: true, Ct);
        Assert.True(await store.PutTextAsync(path, "second", overwrite: true, Ct));

        Assert.Equal("second", Encoding.UTF8.GetString((await store.ReadBytesAsync(path, Ct))!));
    }

    [Fact]
    public async Task Racing_writers_without_overwrite_commit_exactly_one()
    {
        var store = await CreateStoreAsync();
        var path = new BlobPath(BlobContainers.Work, "race/clip.bin");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => store.PutTextAsync(path, $"writer {i}", overwrite: false, Ct), Ct)));

        Assert.Single(results, won => won);
        var winner = Array.IndexOf(results, true);
        Assert.Equal($"writer {winner}", Encoding.UTF8.GetString((await store.ReadBytesAsync(path, Ct))!));
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_nothing_under_the_name()
    {
        var store = await CreateStoreAsync();
        var path = new BlobPath(BlobContainers.Work, "broken/clip.bin");

        await Assert.ThrowsAnyAsync<IOException>(() => store.PutAsync(path, new FailingStream(50_000), overwrite: false, Ct));

        Assert.Null(await store.GetInfoAsync(path, Ct));
        Assert.Empty(await ListNames(store, BlobContainers.Work, "broken/"));
        Assert.True(await store.PutTextAsync(path, "retry", overwrite: false, Ct));
    }

    [Fact]
    public async Task Listing_returns_committed_blobs_under_a_prefix_in_name_order()
    {
        var store = await CreateStoreAsync();
        foreach (var name in new[] { "job-2/b.txt", "job-1/b.txt", "job-1/a.txt", "job-10/a.txt" })
        {
            await store.PutTextAsync(new BlobPath(BlobContainers.Uploads, name), name, overwrite: false, Ct);
        }

        await store.PutTextAsync(new BlobPath(BlobContainers.Work, "job-1/other.txt"), "x", overwrite: false, Ct);

        Assert.Equal(["job-1/a.txt", "job-1/b.txt"], await ListNames(store, BlobContainers.Uploads, "job-1/"));
        Assert.Equal(4, (await ListNames(store, BlobContainers.Uploads, "")).Count);
        Assert.Empty(await ListNames(store, BlobContainers.Renders, ""));
    }

    [Fact]
    public async Task Deleted_blob_is_gone()
    {
        var store = await CreateStoreAsync();
        var path = new BlobPath(BlobContainers.Work, "job-1/tmp.bin");
        await store.PutTextAsync(path, "x", overwrite: false, Ct);

        Assert.True(await store.DeleteAsync(path, Ct));

        Assert.Null(await store.GetInfoAsync(path, Ct));
        Assert.True(await store.PutTextAsync(path, "y", overwrite: false, Ct));
    }

    [Fact]
    public async Task Uri_names_the_blob()
    {
        var store = await CreateStoreAsync();
        var path = new BlobPath(BlobContainers.Renders, "job-1/video.mp4");

        var uri = store.GetUri(path);

        Assert.True(uri.IsAbsoluteUri);
        Assert.EndsWith("job-1/video.mp4", uri.AbsolutePath, StringComparison.Ordinal);
    }

    private static async Task<List<string>> ListNames(IBlobStore store, string container, string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in store.ListAsync(container, prefix, Ct))
        {
            names.Add(blob.Path.Name);
        }

        return names;
    }

    /// <summary>Yields some bytes, then fails like a dropped upload connection.</summary>
    private sealed class FailingStream(int failAfter) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (position >= failAfter)
            {
                throw new IOException("connection dropped");
            }

            var n = Math.Min(count, failAfter - position);
            Array.Fill(buffer, (byte)1, offset, n);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
