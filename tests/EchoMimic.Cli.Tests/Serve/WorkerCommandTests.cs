using System.Diagnostics;
using EchoMimic.Cli.Serve;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary><c>echomimic worker</c> refuses bad options with exit code 2 and one line naming the option.</summary>
public sealed class WorkerCommandTests
{
    [Theory]
    [InlineData("--loops", "0", "error: --loops: 0 is outside 1..16")]
    [InlineData("--lease-seconds", "soon", "error: Cannot parse argument 'soon' for option '--lease-seconds'")]
    [InlineData("--connection", "not a connection string", "error: --connection: not a storage connection string")]
    public async Task Bad_options_exit_2_with_one_clear_message(string option, string value, string message)
    {
        using var process = Process.Start(WorkerLaunch.ThisCli().StartInfo(["worker", option, value]))!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
        Assert.Equal("", await output);
    }
}
