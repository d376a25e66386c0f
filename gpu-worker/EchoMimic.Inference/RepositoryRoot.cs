namespace EchoMimic.Inference;

/// <summary>
/// The repository root is the folder holding <c>EchoMimic.Cloud.sln</c>, found by walking up from the current
/// directory or from the binary. Fixtures default to <c>$ECHOMIMIC_FIXTURES</c>, else <c>../shared/fixtures</c>
/// relative to that root.
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

    /// <summary>The shared folder next to the repository (<c>../shared</c>), or null when it does not exist.</summary>
    public static string? Shared()
    {
        var root = Find();
        if (root is null) return null;
        var shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, "..", "shared"));
        return Directory.Exists(shared) ? shared : null;
    }

    public static string DefaultFixtures()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ECHOMIMIC_FIXTURES");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment;
        var root = Find() ?? Directory.GetCurrentDirectory();
        return System.IO.Path.GetFullPath(System.IO.Path.Combine(root, "..", "shared", "fixtures"));
    }
}
