namespace EchoMimic.Inference;

/// <summary>
/// The repository root is the folder holding <c>EchoMimic.Cloud.sln</c>, found by walking up from the current
/// directory or from the binary. The shared data (fixtures, official samples, weights manifest) is
/// <c>$ECHOMIMIC_SHARED</c>, else <c>../shared</c> relative to that root; fixtures default to <c>$ECHOMIMIC_FIXTURES</c>,
/// else the shared folder's <c>fixtures</c>.
/// </summary>
public static class RepositoryRoot
{
    public const string SolutionFile = "EchoMimic.Cloud.sln";

    public static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        }
        return null;
    }

    public const string SharedVariable = "ECHOMIMIC_SHARED";

    /// <summary>The shared folder (<c>$ECHOMIMIC_SHARED</c>, else <c>../shared</c> next to the repository), or null when it does not exist.</summary>
    public static string? Shared()
    {
        if (Environment.GetEnvironmentVariable(SharedVariable) is { Length: > 0 } configured)
            return Directory.Exists(configured) ? System.IO.Path.GetFullPath(configured) : null;
        var root = Find();
        if (root is null) return null;
        var shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, "..", "shared"));
        return Directory.Exists(shared) ? shared : null;
    }

    public static string DefaultFixtures()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ECHOMIMIC_FIXTURES");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment;
        if (Shared() is { } shared) return System.IO.Path.Combine(shared, "fixtures");
        var root = Find() ?? Directory.GetCurrentDirectory();
        return System.IO.Path.GetFullPath(System.IO.Path.Combine(root, "..", "shared", "fixtures"));
    }
}
