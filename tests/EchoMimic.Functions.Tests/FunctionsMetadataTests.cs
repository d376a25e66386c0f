using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace EchoMimic.Functions.Tests;

/// <summary>
/// `dotnet publish` of the Functions app (reusing this test run's build) must list every [Function] in
/// functions.metadata with its trigger: that file is all the Functions host reads to index the app, so a
/// function missing there never runs in Azure.
/// </summary>
public sealed class FunctionsMetadataTests
{
    [Fact]
    public async Task Publish_output_lists_every_function_with_its_trigger()
    {
        var project = Path.Combine(RepositoryRoot(), "functions", "EchoMimic.Functions", "EchoMimic.Functions.csproj");
        var configuration = typeof(FunctionsMetadataTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var output = Directory.CreateTempSubdirectory("functions-publish-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "publish", project, "--no-build", "-c", configuration, "-o", output, "-nologo" })
            {
                start.ArgumentList.Add(argument);
            }

            using var publish = Process.Start(start)!;
            var log = publish.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var errors = await publish.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await publish.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(publish.ExitCode == 0, $"dotnet publish failed:\n{await log}\n{errors}");

            using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "functions.metadata"),
                TestContext.Current.CancellationToken));
            var published = metadata.RootElement.EnumerateArray().ToDictionary(
                f => f.GetProperty("name").GetString()!,
                f => f.GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()!)
                    .Single(t => t.EndsWith("Trigger", StringComparison.Ordinal)));
            var declared = FunctionCatalog.All().ToDictionary(f => f.Name, f => f.Trigger);

            Assert.Equal(declared.OrderBy(p => p.Key), published.OrderBy(p => p.Key));
            Assert.True(declared.Count >= 19, $"only {declared.Count} functions");
            var upload = metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "UploadIntake")
                .GetProperty("bindings")[0];
            Assert.Equal("EventGrid", upload.GetProperty("source").GetString());
            Assert.True(File.Exists(Path.Combine(output, "host.json")));
            Assert.True(File.Exists(Path.Combine(output, "extensions.json")));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
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

        throw new InvalidOperationException("EchoMimic.Cloud.sln not found above " + AppContext.BaseDirectory);
    }
}
