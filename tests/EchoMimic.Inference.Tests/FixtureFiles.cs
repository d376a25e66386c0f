using EchoMimic.Inference.Parity;

namespace EchoMimic.Inference.Tests;

/// <summary>The golden fixtures of ../shared/fixtures (or $ECHOMIMIC_FIXTURES), as theory data.</summary>
public static class FixtureFiles
{
    public static string Root => RepositoryRoot.DefaultFixtures();

    public static bool Available => Directory.Exists(Root);

    /// <summary>Fixture files relative to <see cref="Root"/>; one placeholder row when the folder is absent, which the test skips.</summary>
    public static TheoryData<string> Under(string subfolder)
    {
        var data = new TheoryData<string>();
        var dir = Path.Combine(Root, subfolder);
        if (Directory.Exists(dir))
            foreach (var file in ParityRunner.FindFixtureFiles(dir)) data.Add(Path.GetRelativePath(Root, file));
        if (data.Count == 0) data.Add($"(no fixtures under {dir})");
        return data;
    }

    /// <summary>The fixture's full path; skips the test when it is absent (fails it under ECHOMIMIC_REQUIRE_FIXTURES=1).</summary>
    public static string Require(string relative) => Require(relative, Root, RequiredData.IsRequired);

    public static string Require(string relative, string root, bool required)
    {
        var path = Path.Combine(root, relative);
        if (!File.Exists(path)) RequiredData.Missing($"fixtures are not available here: {relative} under {root} (set ECHOMIMIC_FIXTURES or place ../shared/fixtures)", required);
        return path;
    }
}
