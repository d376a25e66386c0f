using EchoMimic.Core;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.Extensions.Logging;

namespace EchoMimic.Cli.Serve;

/// <summary>
/// The local stack's stand-in for the Azure upload trigger (Event Grid BlobCreated on */job.json): polls the uploads
/// container and hands every job.json it has not handled yet to the same intake as the Functions app's
/// UploadIntakeFunction: the folder names the job (uploads/acme/spring/job.json → "acme-spring"), an invalid job.json
/// is recorded as a failed job with the validation error, and starting is idempotent, so rescanning after a restart
/// starts nothing twice.
/// </summary>
public sealed class UploadWatcher(IBlobStore blobs, IJobIndex index, ServeJobStarter starter, TimeProvider time, ILogger logger)
{
    public const string JobFileName = "job.json";

    private readonly HashSet<string> handled = new(StringComparer.Ordinal);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ScanAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Storage hiccup: the next scan retries; nothing was marked handled.
                logger.LogWarning(e, "upload scan failed");
                await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One pass over the uploads container; returns the jobs started.</summary>
    public async Task<IReadOnlyList<string>> ScanAsync(CancellationToken cancellationToken)
    {
        var started = new List<string>();
        var jobFiles = new List<BlobInfo>();
        await foreach (var blob in blobs.ListAsync(BlobContainers.Uploads, "", cancellationToken).ConfigureAwait(false))
        {
            if ((blob.Path.Name == JobFileName || blob.Path.Name.EndsWith("/" + JobFileName, StringComparison.Ordinal))
                && !handled.Contains(blob.Path.Name))
            {
                jobFiles.Add(blob);
            }
        }

        foreach (var blob in jobFiles)
        {
            if (await HandleAsync(blob.Path, cancellationToken).ConfigureAwait(false) is { } jobId)
            {
                started.Add(jobId);
            }

            handled.Add(blob.Path.Name);
        }

        return started;
    }

    private async Task<string?> HandleAsync(BlobPath path, CancellationToken cancellationToken)
    {
        var name = path.Name;
        var slash = name.LastIndexOf('/');
        if (slash <= 0)
        {
            logger.LogWarning("upload {Blob} ignored: put job.json in a folder: the folder names the job", name);
            return null;
        }

        string jobId;
        try
        {
            jobId = JobIds.Check(name[..slash].Replace('/', '-'), $"uploads/{name}:folder");
        }
        catch (InputException e)
        {
            logger.LogWarning("upload {Blob} ignored: {Problem}", name, e.Message);
            return null;
        }

        var bytes = await blobs.ReadBytesAsync(path, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        var content = System.Text.Encoding.UTF8.GetString(bytes);

        RenderJobSpec spec;
        try
        {
            var start = RenderJobIntake.AcceptJob(content, $"{BlobContainers.Uploads}/{name}", starter.Options, jobId, Random.Shared);
            spec = ((RenderJobInput)start.Input).Spec;
        }
        catch (InputException e)
        {
            var now = time.GetUtcNow();
            await index.AddOrGetAsync(new JobRecord(jobId, JobStatus.Failed, now, now, Error: e.Message), cancellationToken).ConfigureAwait(false);
            logger.LogWarning("job {JobId} rejected: {Problem}", jobId, e.Message);
            return null;
        }

        var (id, started) = await starter.StartJobAsync(jobId, spec, cancellationToken).ConfigureAwait(false);
        if (started)
        {
            logger.LogInformation("job {JobId} started from uploads/{Blob}", id, name);
        }

        return started ? id : null;
    }
}
