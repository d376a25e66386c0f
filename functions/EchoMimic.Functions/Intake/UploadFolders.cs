using EchoMimic.Core;
using OrchestrationJobIds = EchoMimic.Orchestration.Intake.JobIds;

namespace EchoMimic.Functions.Intake;

/// <summary>
/// Ids of uploaded work: the folder that holds <c>job.json</c> (or a campaign manifest) names it, with '/' turned
/// into '-': uploads/acme/spring/job.json → "acme-spring", checked by the orchestration library's id rules (the
/// same as <c>echomimic serve</c>'s upload watcher). Deterministic, so a duplicated or replayed Event Grid event
/// maps to the same orchestration instance and starts nothing new.
/// </summary>
public static class UploadFolders
{
    public const string JobFileName = "job.json";

    public static string IdOf(string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        var slash = blobName.LastIndexOf('/');
        if (slash <= 0)
        {
            throw new InputException(blobName, "put job.json and campaign manifests in a folder: the folder names the job");
        }

        return OrchestrationJobIds.Check(blobName[..slash].Replace('/', '-'), $"uploads/{blobName}:folder");
    }
}
