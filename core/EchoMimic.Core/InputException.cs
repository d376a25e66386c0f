namespace EchoMimic.Core;

/// <summary>
/// An error the user caused with an input (a missing file, a wrong format, a malformed spec). Mapped once to exit
/// code 2 in the CLI and HTTP 400 in the API; everything else is a bug and says so.
/// </summary>
public sealed class InputException(string input, string problem) : Exception($"{input}: {problem}")
{
    /// <summary>The input at fault: a path, a flag or a field of a spec.</summary>
    public string Input { get; } = input;

    public string Problem { get; } = problem;
}
