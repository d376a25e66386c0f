using System.Text.RegularExpressions;
using EchoMimic.Core;

namespace EchoMimic.Functions.Intake;

/// <summary>
/// Job and campaign ids of uploaded work: the folder that holds <c>job.json</c> (or the campaign manifest) names
/// it, with '/' turned into '-': uploads/acme/spring/job.json → job "acme-spring". Deterministic, so a duplicated
/// or replayed Event Grid event maps to the same orchestration instance and starts nothing new.
/// </summary>
public static partial class JobIds
{
    public const string JobFileName = "job.json";

    public static string FromUploadFolder(string blobName)
    {
        var slash = blobName.LastIndexOf('/');
        if (slash <= 0)
        {
            throw new InputException(blobName, "put job.json and campaign manifests in a folder: the folder names the job");
        }

        var id = blobName[..slash].Replace('/', '-');
        if (!SafeId().IsMatch(id))
        {
            throw new InputException(blobName, "folder names may only use letters, digits, '-', '_' and '.' (at most 100 characters)");
        }

        return id;
    }

    /// <summary>A fresh id for a job submitted over HTTP without an idempotency key.</summary>
    public static string New() => "job-" + Guid.NewGuid().ToString("N")[..16];

    public static bool IsValid(string id) => SafeId().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex SafeId();
}
