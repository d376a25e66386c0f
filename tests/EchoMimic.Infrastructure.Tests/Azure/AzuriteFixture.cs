using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace EchoMimic.Infrastructure.Tests.Azure;

/// <summary>
/// Starts Azurite (npm, installed by .ci/run into .tools) on free loopback ports with a temporary data folder,
/// and stops it and deletes the folder afterwards. Each test gets fresh, uniquely named containers, queues and
/// tables, so tests share one Azurite process.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // Azurite's published development account (not a secret: it is the same in every Azurite install).
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> errors = new();
    private Process? process;
    private string? dataFolder;

    public string ConnectionString { get; private set; } = "";

    public BlobServiceClient Blobs => new(ConnectionString);

    public QueueServiceClient Queues => new(ConnectionString);

    public TableServiceClient Tables => new(ConnectionString);

    public static string UniqueName(string prefix) =>
        (prefix + Guid.NewGuid().ToString("N"))[..Math.Min(prefix.Length + 20, 63)].ToLowerInvariant();

    public async ValueTask InitializeAsync()
    {
        var executable = Path.Combine(FindRepositoryRoot(), ".tools", "node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed at {executable}: run `npm install --prefix .tools azurite` (bash .ci/run does)");
        }

        dataFolder = Directory.CreateTempSubdirectory("azurite-").FullName;
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--silent", "--location", dataFolder, "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(), "--tableHost", "127.0.0.1",
            "--tablePort", table.ToString(),
            // The SDKs send newer service versions than Azurite knows; the calls used here exist in both.
            "--skipApiVersionCheck", "--disableProductStyleUrl",
        })
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("could not start Azurite");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => errors.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=" + AccountName + ";AccountKey=" + AccountKey
            + $";BlobEndpoint=http://127.0.0.1:{blob}/{AccountName};QueueEndpoint=http://127.0.0.1:{queue}/{AccountName}"
            + $";TableEndpoint=http://127.0.0.1:{table}/{AccountName};";
        foreach (var port in new[] { blob, queue, table })
        {
            await WaitForPortAsync(port);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        if (dataFolder is not null && Directory.Exists(dataFolder))
        {
            Directory.Delete(dataFolder, recursive: true);
        }
    }

    private async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process!.HasExited)
            {
                throw new InvalidOperationException(
                    $"Azurite exited with code {process.ExitCode}: {string.Join('\n', errors)}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EchoMimic.Cloud.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("repository root (EchoMimic.Cloud.sln) not found above " + AppContext.BaseDirectory);
    }
}
