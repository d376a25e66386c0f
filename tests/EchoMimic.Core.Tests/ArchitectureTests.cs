using System.Xml.Linq;

namespace EchoMimic.Core.Tests;

/// <summary>
/// The layering of docs/architecture.md, enforced on the .csproj files of the tree: which product project may reference
/// which, that no project references an executable (a test project may reference the one it tests), and that the test
/// packages stay out of the assemblies the Functions app and the GPU worker publish. A new project fails here until it
/// is given a place in <see cref="Allowed"/> (and in docs/architecture.md).
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>Product project → the product projects it may reference. Dependencies point inwards, to Core.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["EchoMimic.Core"] = [],
        ["EchoMimic.Orchestration"] = ["EchoMimic.Core"],
        ["EchoMimic.Inference"] = ["EchoMimic.Core"],
        ["EchoMimic.Worker"] = ["EchoMimic.Core"],
        ["EchoMimic.Infrastructure"] = ["EchoMimic.Core"],
        ["EchoMimic.LocalHosts"] = ["EchoMimic.Core", "EchoMimic.Infrastructure"],
        ["EchoMimic.Functions"] = ["EchoMimic.Core", "EchoMimic.Orchestration", "EchoMimic.Infrastructure"],
        ["EchoMimic.GpuWorker"] = ["EchoMimic.Core", "EchoMimic.Inference", "EchoMimic.Worker", "EchoMimic.Infrastructure"],
        ["EchoMimic.Cli"] =
        [
            "EchoMimic.Core", "EchoMimic.Inference", "EchoMimic.Worker", "EchoMimic.Orchestration", "EchoMimic.Infrastructure",
            "EchoMimic.LocalHosts",
        ],
    };

    /// <summary>Packages for tests only; the in-memory Durable Task host is allowed in LocalHosts, which only the CLI and tests use.</summary>
    private static readonly string[] TestPackages =
    [
        "Microsoft.NET.Test.Sdk", "xunit", "xunit.v3", "xunit.runner.visualstudio", "NSubstitute", "FsCheck",
        "Microsoft.Extensions.TimeProvider.Testing", "Microsoft.DurableTask.InProcessTestHost",
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, ProjectFile>> Projects = new(ReadProjects);

    [Fact]
    public void Every_product_project_has_a_place_in_the_layering()
    {
        var unplaced = Products().Select(p => p.Name).Where(name => !Allowed.ContainsKey(name)).ToList();

        Assert.True(unplaced.Count == 0, $"not in the layering (add to ArchitectureTests.Allowed and docs/architecture.md): {string.Join(", ", unplaced)}");
        Assert.All(Allowed.Keys, name => Assert.True(Projects.Value.ContainsKey(name), $"{name} is in the layering but not in the tree"));
    }

    [Fact]
    public void Product_projects_reference_only_the_layers_below_them()
    {
        var breaches = Products()
            .SelectMany(p => p.References.Where(r => !Allowed[p.Name].Contains(r)).Select(r => $"{p.Name} -> {r}"))
            .ToList();

        Assert.True(breaches.Count == 0, "references against docs/architecture.md: " + string.Join(", ", breaches));
    }

    [Fact]
    public void No_project_references_an_executable_but_a_test_project_the_one_it_tests()
    {
        var breaches = Projects.Value.Values
            .SelectMany(p => p.References.Select(r => (From: p, To: Projects.Value[r])))
            .Where(edge => edge.To.IsExe && !edge.To.IsTest && edge.From.Name != edge.To.Name + ".Tests")
            .Select(edge => $"{edge.From.Name} -> {edge.To.Name}")
            .ToList();

        Assert.True(breaches.Count == 0, "references to an executable: " + string.Join(", ", breaches));
    }

    [Theory]
    [InlineData("EchoMimic.Functions")]
    [InlineData("EchoMimic.GpuWorker")]
    public void A_deployed_host_carries_no_test_package_and_no_local_host(string host)
    {
        var closure = Closure(host);
        var testPackages = closure.SelectMany(p => p.Packages.Intersect(TestPackages, StringComparer.OrdinalIgnoreCase).Select(k => $"{p.Name}: {k}")).ToList();

        Assert.DoesNotContain(closure, p => p.Name == "EchoMimic.LocalHosts");
        Assert.True(testPackages.Count == 0, $"{host} would publish test packages: {string.Join(", ", testPackages)}");
    }

    [Fact]
    public void Test_packages_appear_in_no_product_project_but_the_local_hosts()
    {
        var misplaced = Products()
            .Where(p => p.Name != "EchoMimic.LocalHosts")
            .SelectMany(p => p.Packages.Intersect(TestPackages, StringComparer.OrdinalIgnoreCase).Select(k => $"{p.Name}: {k}"))
            .ToList();

        Assert.True(misplaced.Count == 0, "test packages in product projects: " + string.Join(", ", misplaced));
    }

    private static IEnumerable<ProjectFile> Products() => Projects.Value.Values.Where(p => !p.IsTest);

    private static List<ProjectFile> Closure(string root)
    {
        var seen = new Dictionary<string, ProjectFile>();
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out var name))
        {
            if (seen.TryAdd(name, Projects.Value[name]))
            {
                foreach (var reference in Projects.Value[name].References)
                {
                    pending.Push(reference);
                }
            }
        }

        return [.. seen.Values];
    }

    private static IReadOnlyDictionary<string, ProjectFile> ReadProjects()
    {
        var root = RepositoryRoot();
        var files = Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules" or ".tools"))
            .ToList();
        Assert.True(files.Count > 5, $"found only {files.Count} project files under {root}");
        return files.Select(ProjectFile.Read).ToDictionary(p => p.Name);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EchoMimic.Cloud.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("repository root (EchoMimic.Cloud.sln) not found above " + AppContext.BaseDirectory);
    }

    private sealed record ProjectFile(string Name, bool IsExe, bool IsTest, IReadOnlyList<string> References, IReadOnlyList<string> Packages)
    {
        public static ProjectFile Read(string path)
        {
            var xml = XDocument.Load(path);
            var name = Path.GetFileNameWithoutExtension(path);
            var isExe = xml.Descendants("OutputType").Any(e => e.Value.Trim().Equals("Exe", StringComparison.OrdinalIgnoreCase));
            var references = xml.Descendants("ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToList();
            var packages = xml.Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value).ToList();
            return new ProjectFile(name, isExe, name.EndsWith(".Tests", StringComparison.Ordinal), references, packages);
        }
    }
}
