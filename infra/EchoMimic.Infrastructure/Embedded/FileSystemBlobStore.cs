using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Embedded;

/// <summary>
/// Blobs as files: <c>{root}/{container}/{name}</c>. Writes go to <c>{root}/.partial/</c> (same file system) and
/// are committed by rename, which is atomic on POSIX file systems; a no-overwrite commit hard-links the partial file
/// to the final name, which fails if the name exists, so two racing writers cannot both win.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private const string PartialFolder = ".partial";

    public FileSystemBlobStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Path.Combine(Root, PartialFolder));
    }

    public string Root { get; }

    public string FileOf(BlobPath path) => Path.Combine(Root, path.Container, path.Name.Replace('/', Path.DirectorySeparatorChar));

    public async Task<bool> PutAsync(BlobPath path, Stream content, bool overwrite, CancellationToken cancellationToken)
    {
        var target = FileOf(path);
        if (!overwrite && File.Exists(target))
        {
            return false;
        }

        var partial = Path.Combine(Root, PartialFolder, $"{Guid.NewGuid():N}.part");
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (overwrite || !OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            {
                File.Move(partial, target, overwrite);
                return true;
            }

            // link(2) fails with EEXIST atomically; File.Move(overwrite: false) checks, then renames (a race).
            if (link(partial, target) == 0)
            {
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            return errno == EEXIST ? false : throw new IOException($"cannot commit {path}: errno {errno}");
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private const int EEXIST = 17;

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldPath, string newPath);

    public Task<Stream?> OpenReadAsync(BlobPath path, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream?>(new FileStream(FileOf(path), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task<BlobInfo?> GetInfoAsync(BlobPath path, CancellationToken cancellationToken)
    {
        var file = new FileInfo(FileOf(path));
        return Task.FromResult(file.Exists ? new BlobInfo(path, file.Length, file.LastWriteTimeUtc) : null);
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string container, string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Root, container);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(file => (Name: Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/'), File: file))
            .Where(entry => entry.Name.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(entry => entry.Name, StringComparer.Ordinal);
        foreach (var (name, file) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(file);
            if (info.Exists)
            {
                yield return new BlobInfo(new BlobPath(container, name), info.Length, info.LastWriteTimeUtc);
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<bool> DeleteAsync(BlobPath path, CancellationToken cancellationToken)
    {
        var file = FileOf(path);
        if (!File.Exists(file))
        {
            return Task.FromResult(false);
        }

        File.Delete(file);
        return Task.FromResult(true);
    }

    public Uri GetUri(BlobPath path) => new(FileOf(path));
}
