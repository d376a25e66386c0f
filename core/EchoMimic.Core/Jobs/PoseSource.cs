namespace EchoMimic.Core.Jobs;

/// <summary>
/// Where the per-frame poses come from: a named gesture shipped with the product (<see cref="Compose"/> is the one
/// composed from the speech itself, and what a job without <c>pose</c> gets), or a folder of pose files uploaded with
/// the job (exactly one of the two).
/// </summary>
public sealed record PoseSource(string? Gesture, string? Folder)
{
    /// <summary>The gesture name that makes the engine compose a gesture from the job's audio.</summary>
    public const string Compose = "compose";

    public static PoseSource Composed { get; } = new(Compose, null);
}
