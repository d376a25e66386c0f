using EchoMimic.Core.Ports;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.Activities;

/// <summary>
/// Turns a worker's stitch result (blob names) into the URLs callers get. An activity because the URLs depend on the
/// deployment's blob store, which the orchestrator may not touch; the stitching itself ran on a GPU worker.
/// </summary>
public sealed class LocateOutputsActivity(IBlobStore blobs) : TaskActivity<StitchResult, StitchedJob>
{
    public override Task<StitchedJob> RunAsync(TaskActivityContext context, StitchResult input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Task.FromResult(new StitchedJob(input,
            blobs.GetUri(BlobPath.Parse(input.VideoBlob)).ToString(),
            blobs.GetUri(BlobPath.Parse(input.PosterBlob)).ToString(),
            blobs.GetUri(BlobPath.Parse(input.ReportBlob)).ToString()));
    }
}
