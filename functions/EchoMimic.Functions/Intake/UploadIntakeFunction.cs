using EchoMimic.Core;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using EchoMimic.Infrastructure.DurableTask;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EchoMimic.Functions.Intake;

/// <summary>
/// Starts a render job when a <c>job.json</c> lands in the uploads container. Event Grid (BlobCreated, filtered to
/// */job.json by bicep/modules/eventgrid.bicep) delivers at least once and in any order, so: the job id comes from
/// the folder (<see cref="UploadFolders"/>), a second event for the same job starts nothing, and inputs uploaded after
/// job.json are awaited by the orchestrator itself. An invalid job.json is recorded as a failed job with the
/// validation error, never retried.
/// </summary>
public sealed class UploadIntakeFunction(JobStarter starter, IJobIndex index, IOptions<EchoMimicSettings> settings,
    TimeProvider time, ILogger<UploadIntakeFunction> logger)
{
    public const string Name = "UploadIntake";

    [Function(Name)]
    public async Task<StartResult?> Run(
        [BlobTrigger(BlobContainers.Uploads + "/{name}", Source = BlobTriggerSource.EventGrid)] string content,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.EndsWith("/" + UploadFolders.JobFileName, StringComparison.Ordinal) && name != UploadFolders.JobFileName)
        {
            return null;
        }

        string jobId;
        try
        {
            jobId = UploadFolders.IdOf(name);
        }
        catch (InputException e)
        {
            logger.LogWarning("upload {Blob} ignored: {Problem}", name, e.Message);
            return null;
        }

        RenderJobSpec spec;
        try
        {
            var start = RenderJobIntake.AcceptJob(content, $"{BlobContainers.Uploads}/{name}", settings.Value.ToRenderJobOptions(),
                jobId, Random.Shared);
            spec = ((RenderJobInput)start.Input).Spec;
        }
        catch (InputException e)
        {
            // Not retried (it would fail the same way): the job is listed as failed with the reason.
            var now = time.GetUtcNow();
            var record = await index.AddOrGetAsync(new JobRecord(jobId, JobStatus.Failed, now, now, Error: e.Message),
                cancellationToken).ConfigureAwait(false);
            logger.LogWarning("job {JobId} rejected: {Problem}", record.JobId, e.Message);
            return new StartResult(jobId, Started: false);
        }

        return await starter.StartJobAsync(new DurableClientStarter(client), jobId, spec, cancellationToken).ConfigureAwait(false);
    }
}
