namespace EchoMimic.Core;

/// <summary>
/// Something the machine lacks that the user can supply (a tool such as ffmpeg, a reachable storage account, a
/// writable folder): like <see cref="InputException"/> it is mapped to exit code 2 in the CLI, with one line that
/// names the prerequisite, what is wrong with it and the command or setting that fixes it.
/// </summary>
public sealed class PrerequisiteException(string prerequisite, string problem, string fix)
    : Exception($"{prerequisite}: {problem}; {fix}")
{
    /// <summary>The missing or unreachable thing: a tool, a service, a folder.</summary>
    public string Prerequisite { get; } = prerequisite;

    public string Problem { get; } = problem;

    /// <summary>What the user runs or sets to supply it.</summary>
    public string Fix { get; } = fix;
}
