using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary>
/// Azurite (npm, installed by .ci/run into .tools) on free loopback ports with its own data folder, deleted on
/// dispose (the infrastructure tests' AzuriteFixture, for a test that owns its emulator).
/// </summary>
internal sealed class Azurite : IAsyncDisposable
{
    // Azurite's published development account (the same in every Azurite install; not a secret).
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string dataFolder = Directory.CreateTempSubdirectory("serve-azurite-").FullName;
    private readonly (int Blob, int Queue, int Table) ports = (FreePort(), FreePort(), FreePort());
    private Process? process;

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=" + AccountName + ";AccountKey=" + AccountKey
        + $";BlobEndpoint=http://127.0.0.1:{ports.Blob}/{AccountName};QueueEndpoint=http://127.0.0.1:{ports.Queue}/{AccountName}"
        + $";TableEndpoint=http://127.0.0.1:{ports.Table}/{AccountName};";

    public static async Task<Azurite> StartAsync()
    {
        var azurite = new Azurite();
        await azurite.RunAsync();
        return azurite;
    }

    private async Task RunAsync()
    {
        var executable = Path.Combine(RepositoryRoot(), ".tools", "node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Azurite is not installed at {executable}: run `npm install --prefix .tools azurite` (bash .ci/run does)");
        }

        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--silent", "--location", dataFolder, "--blobHost", "127.0.0.1", "--blobPort", ports.Blob.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", ports.Queue.ToString(), "--tableHost", "127.0.0.1",
            "--tablePort", ports.Table.ToString(), "--skipApiVersionCheck", "--disableProductStyleUrl",
        })
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("could not start Azurite");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        foreach (var port in new[] { ports.Blob, ports.Queue, ports.Table })
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(100);
                }
            }
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
        Directory.Delete(dataFolder, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EchoMimic.Cloud.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
