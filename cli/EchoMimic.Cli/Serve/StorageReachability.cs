using Azure;
using Azure.Storage.Queues;
using EchoMimic.Core;

namespace EchoMimic.Cli.Serve;

/// <summary>
/// The check <c>serve</c> and <c>worker</c> make before any work: one request to the storage account's queue service,
/// without retries and with a short timeout. No answer (Azurite not started, a wrong endpoint) or a refused
/// credential is a <see cref="PrerequisiteException"/> naming the endpoint and how to start Azurite; any other answer
/// means the account is there (later storage errors are the loops' to retry).
/// </summary>
public static class StorageReachability
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private const string Fix = "start Azurite (.tools/node_modules/.bin/azurite, installed by build/test.sh) or pass --connection / set ECHOMIMIC_STORAGE";

    public static async Task RequireAsync(string connectionString, CancellationToken cancellationToken)
    {
        var options = new QueueClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = Timeout;
        var client = new QueueServiceClient(connectionString, options);
        // The endpoint, never the connection string: it carries the account key.
        var endpoint = client.Uri.GetLeftPart(UriPartial.Path);
        try
        {
            await client.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 401 or 403)
        {
            throw new PrerequisiteException("storage account", $"{endpoint} refused the credentials (HTTP {e.Status})", "check the account key in --connection / ECHOMIMIC_STORAGE");
        }
        catch (RequestFailedException e) when (e.Status != 0)
        {
            // It answered: reachable.
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException or AggregateException or HttpRequestException
                                  && !cancellationToken.IsCancellationRequested)
        {
            throw new PrerequisiteException("storage account", $"cannot reach {endpoint} ({FirstLine(e.Message)})", Fix);
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
