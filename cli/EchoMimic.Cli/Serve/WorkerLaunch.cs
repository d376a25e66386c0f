using System.Diagnostics;

namespace EchoMimic.Cli.Serve;

/// <summary>
/// How serve starts its worker processes: this CLI's own assembly with the <c>worker</c> command, through the same
/// <c>dotnet</c> host that runs us (so a test host, the apphost and <c>dotnet echomimic.dll</c> all work alike).
/// </summary>
public sealed record WorkerLaunch(string FileName, IReadOnlyList<string> LeadingArguments)
{
    /// <summary>The CLI assembly next to this code (echomimic.dll) on the running dotnet host.</summary>
    public static WorkerLaunch ThisCli()
    {
        var assembly = typeof(WorkerLaunch).Assembly.Location;
        if (string.IsNullOrEmpty(assembly))
        {
            throw new InvalidOperationException("the echomimic assembly has no file location (single-file publish?): worker processes need it");
        }

        return new WorkerLaunch(DotnetHost(), [assembly]);
    }

    /// <summary>Variables set for the worker on top of the inherited environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in LeadingArguments.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static string DotnetHost()
    {
        // Under `dotnet echomimic.dll` the process is the host itself; under the apphost or a test runner, the SDK and
        // runners export DOTNET_HOST_PATH; else the dotnet on PATH.
        if (System.Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
