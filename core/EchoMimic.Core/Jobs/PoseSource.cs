namespace EchoMimic.Core.Jobs;

/// <summary>
/// Where the per-frame poses come from: a named gesture shipped with the product, or a folder of pose files
/// uploaded with the job (exactly one of the two).
/// </summary>
public sealed record PoseSource(string? Gesture, string? Folder);
