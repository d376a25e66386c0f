using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EchoMimic.Core;
using EchoMimic.GpuWorker.Hosting;
using TorchSharp;

namespace EchoMimic.GpuWorker.Tests;

/// <summary>
/// EchoMimic__Worker__Device. This machine has no GPU and the CPU libtorch: "cuda" must fail naming the variable
/// (and the process must exit 2); CUDA execution itself is not verified here.
/// </summary>
public sealed class WorkerDeviceTests
{
    private static Dictionary<string, string?> Environment() => new()
    {
        ["EchoMimic__Storage__AccountName"] = "stechomimic01",
        ["EchoMimic__ServiceBus__FullyQualifiedNamespace"] = "sb-echomimic.servicebus.windows.net",
    };

    [Theory]
    [InlineData(null, false, 0, "cpu")]
    [InlineData(null, true, 1, "cuda:0")]
    [InlineData("cpu", true, 2, "cpu")]
    [InlineData("CUDA", true, 1, "cuda:0")]
    [InlineData("cuda:1", true, 2, "cuda:1")]
    public void Resolves_the_setting_against_what_libtorch_offers(string? setting, bool available, int devices, string expected)
    {
        var (device, reason) = WorkerDevice.Resolve(setting, available, devices);

        Assert.Equal(expected, device.type == DeviceType.CPU ? "cpu" : $"cuda:{Math.Max(0, device.index)}");
        Assert.Contains(WorkerDevice.Variable, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cuda", false, 0, "CUDA is not available")]
    [InlineData("cuda:0", false, 0, "CUDA is not available")]
    [InlineData("cuda:1", true, 1, "sees 1 CUDA device(s)")]
    [InlineData("gpu", true, 1, "'gpu' is not cpu, cuda or cuda:N")]
    [InlineData("cuda:x", true, 1, "is not cpu, cuda or cuda:N")]
    public void Unusable_device_is_an_input_error_naming_the_variable(string setting, bool available, int devices, string problem)
    {
        var e = Assert.Throws<InputException>(() => WorkerDevice.Resolve(setting, available, devices));

        Assert.Equal(WorkerDevice.Variable, e.Input);
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_read_the_device_and_provisioning()
    {
        var defaults = WorkerSettings.Read(name => Environment().GetValueOrDefault(name));
        var env = Environment();
        env["EchoMimic__Worker__Device"] = " cuda:0 ";
        env["EchoMimic__Storage__Provision"] = "true";
        var set = WorkerSettings.Read(name => env.GetValueOrDefault(name));
        env["EchoMimic__Worker__Device"] = "tpu";

        Assert.Equal((null, false), (defaults.Device, defaults.Provision));
        Assert.Equal(("cuda:0", true), (set.Device, set.Provision));
        Assert.Equal(WorkerDevice.Variable, Assert.Throws<InputException>(() => WorkerSettings.Read(name => env.GetValueOrDefault(name))).Input);
    }

    [Fact]
    public void Cuda_on_this_machine_is_refused_with_the_variable_named()
    {
        if (torch.cuda.is_available())
        {
            Assert.Skip("this machine has CUDA");
        }

        var e = Assert.Throws<InputException>(() => WorkerDevice.Resolve("cuda"));
        Assert.Equal(WorkerDevice.Variable, e.Input);
        Assert.Equal(torch.CPU, WorkerDevice.Resolve(null).Device);
    }

    [Fact]
    public async Task Worker_process_asked_for_cuda_without_it_exits_2_naming_the_variable()
    {
        if (torch.cuda.is_available())
        {
            Assert.Skip("this machine has CUDA");
        }

        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(WorkerHost).Assembly.Location);
        foreach (var (name, value) in Environment())
        {
            info.Environment[name] = value;
        }

        info.Environment["EchoMimic__Weights__Demo"] = "true";
        info.Environment["EchoMimic__Worker__HealthPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["EchoMimic__Worker__Device"] = "cuda";
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("EchoMimic__Worker__Device", await errors, StringComparison.Ordinal);
        Assert.Contains("CUDA is not available", await errors, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
