using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration.Activities;

/// <summary>Lists the job's input blobs that are not (yet) committed; a pose folder counts when it holds any blob.</summary>
public sealed class CheckInputsActivity(IBlobStore blobs) : TaskActivity<JobInputs, IReadOnlyList<string>>
{
    public override async Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, JobInputs input)
    {
        var missing = new List<string>();
        foreach (var path in new[] { input.Reference, input.Audio })
        {
            if (!await blobs.ExistsAsync(BlobPath.Parse(path), CancellationToken.None).ConfigureAwait(false))
            {
                missing.Add(path);
            }
        }

        if (input.Pose.Folder is { } folder)
        {
            var prefix = BlobPath.Parse(folder.TrimEnd('/'));
            var any = false;
            await foreach (var _ in blobs.ListAsync(prefix.Container, prefix.Name + "/", CancellationToken.None).ConfigureAwait(false))
            {
                any = true;
                break;
            }

            if (!any)
            {
                missing.Add(folder);
            }
        }

        return missing;
    }
}
