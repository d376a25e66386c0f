using EchoMimic.Core.Ports;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.Activities;

/// <summary>Stitches the accepted clips into the final video and returns where callers find it.</summary>
public sealed class StitchJobActivity(IClipStitcher stitcher, IBlobStore blobs) : TaskActivity<StitchRequest, StitchedJob>
{
    public override async Task<StitchedJob> RunAsync(TaskActivityContext context, StitchRequest input)
    {
        var result = await stitcher.StitchAsync(input, CancellationToken.None).ConfigureAwait(false);
        return new StitchedJob(result,
            blobs.GetUri(BlobPath.Parse(result.VideoBlob)).ToString(),
            blobs.GetUri(BlobPath.Parse(result.PosterBlob)).ToString(),
            blobs.GetUri(BlobPath.Parse(result.ReportBlob)).ToString());
    }
}
