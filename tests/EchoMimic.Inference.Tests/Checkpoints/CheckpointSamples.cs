namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary>
/// The checkpoint samples of ../shared/fixtures/checkpoints: every file that has a JSON sidecar
/// (<c>&lt;name&gt;.json</c>), in any subfolder, so hidden variants with other names are picked up too.
/// </summary>
public static class CheckpointSamples
{
    public static string Root => Path.Combine(FixtureFiles.Root, "checkpoints");

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        if (Directory.Exists(Root))
            foreach (var sidecar in Directory.EnumerateFiles(Root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var sample = sidecar[..^".json".Length];
                if (File.Exists(sample)) data.Add(Path.GetRelativePath(Root, sample));
            }
        if (data.Count == 0) data.Add("(no checkpoint samples)");
        return data;
    }

    /// <summary>Diffusers folders among the samples: folders holding a config.json and a diffusion_pytorch_model.* file.</summary>
    public static TheoryData<string> DiffusersFolders()
    {
        var data = new TheoryData<string>();
        if (Directory.Exists(Root))
            foreach (var config in Directory.EnumerateFiles(Root, "config.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var dir = Path.GetDirectoryName(config)!;
                if (Directory.EnumerateFiles(dir, "diffusion_pytorch_model.*").Any()) data.Add(Path.GetRelativePath(Root, dir));
            }
        if (data.Count == 0) data.Add("(no diffusers folders)");
        return data;
    }

    public static string Require(string relative)
    {
        var path = Path.Combine(Root, relative);
        if (!File.Exists(path) && !Directory.Exists(path))
            RequiredData.Missing($"checkpoint samples are not available here: {relative} (place ../shared/fixtures/checkpoints or set ECHOMIMIC_FIXTURES)");
        return path;
    }
}
