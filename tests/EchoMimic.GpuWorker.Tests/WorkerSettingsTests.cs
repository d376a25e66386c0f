using EchoMimic.Core;
using EchoMimic.GpuWorker.Hosting;

namespace EchoMimic.GpuWorker.Tests;

public sealed class WorkerSettingsTests
{
    // What bicep/modules/gpuworkers.bicep sets on the worker container.
    private static Dictionary<string, string?> Bicep() => new()
    {
        ["AZURE_CLIENT_ID"] = "00000000-0000-0000-0000-000000000001",
        ["EchoMimic__Storage__AccountName"] = "stechomimic01",
        ["EchoMimic__ServiceBus__FullyQualifiedNamespace"] = "sb-echomimic.servicebus.windows.net",
        ["EchoMimic__ServiceBus__SegmentQueue"] = "segments",
        ["EchoMimic__Weights__ManifestBlob"] = "weights/manifest.sha256",
        ["EchoMimic__Weights__Directory"] = "/weights",
        ["HOSTNAME"] = "ca-echomimic-worker--abc-1",
    };

    private static WorkerSettings Read(Dictionary<string, string?> env) => WorkerSettings.Read(name => env.GetValueOrDefault(name));

    [Fact]
    public void Reads_the_bicep_environment_with_defaults()
    {
        var settings = Read(Bicep());
        Assert.Equal("stechomimic01", settings.StorageAccountName);
        Assert.Equal("sb-echomimic.servicebus.windows.net", settings.ServiceBusNamespace);
        Assert.Equal("segments", settings.SegmentQueue);
        Assert.Equal("segment-results", settings.ResultQueue);
        Assert.Equal("/weights", settings.WeightsDirectory);
        Assert.False(settings.AcceleratedWeights);
        Assert.False(settings.DemoWeights);
        Assert.Equal(1, settings.Loops);
        Assert.Equal(5, settings.MaxDeliveryCount);
        Assert.Equal(8080, settings.HealthPort);
        Assert.Equal("ca-echomimic-worker--abc-1", settings.WorkerId);
        Assert.Equal(new Uri("https://stechomimic01.blob.core.windows.net"), settings.BlobEndpoint);
        Assert.Equal(new Uri("https://stechomimic01.queue.core.windows.net"), settings.QueueEndpoint);
    }

    [Fact]
    public void Reads_optional_settings()
    {
        var env = Bicep();
        env["EchoMimic__Worker__Loops"] = "3";
        env["EchoMimic__Weights__Pipeline"] = "Accelerated";
        env["EchoMimic__Weights__Demo"] = "true";
        env["EchoMimic__ServiceBus__MaxDeliveryCount"] = "7";
        env["EchoMimic__Worker__HealthPort"] = "9090";
        var settings = Read(env);
        Assert.Equal(3, settings.Loops);
        Assert.True(settings.AcceleratedWeights);
        Assert.True(settings.DemoWeights);
        Assert.Equal(7, settings.MaxDeliveryCount);
        Assert.Equal(9090, settings.HealthPort);
    }

    [Fact]
    public void Precision_is_read_from_the_environment_or_left_to_the_device()
    {
        Assert.Null(Read(Bicep()).Precision);
        var env = Bicep();
        env["EchoMimic__Worker__Precision"] = "BF16";
        Assert.Equal(Core.Jobs.Precision.Bf16, Read(env).Precision);
        env["EchoMimic__Worker__Precision"] = "half8";
        var error = Assert.Throws<InputException>(() => Read(env));
        Assert.Equal("EchoMimic__Worker__Precision", error.Input);
    }

    [Theory]
    [InlineData("EchoMimic__Storage__AccountName")]
    [InlineData("EchoMimic__ServiceBus__FullyQualifiedNamespace")]
    public void Missing_required_variable_is_named(string variable)
    {
        var env = Bicep();
        env[variable] = variable.EndsWith("Name", StringComparison.Ordinal) ? "  " : null;
        var e = Assert.Throws<InputException>(() => Read(env));
        Assert.Equal(variable, e.Input);
        Assert.Contains("not set", e.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EchoMimic__Storage__AccountName", "StEchoMimic")]
    [InlineData("EchoMimic__Storage__AccountName", "ab")]
    [InlineData("EchoMimic__ServiceBus__FullyQualifiedNamespace", "sb://sb-echomimic.servicebus.windows.net/")]
    [InlineData("EchoMimic__ServiceBus__FullyQualifiedNamespace", "sb-echomimic")]
    [InlineData("EchoMimic__Worker__Loops", "0")]
    [InlineData("EchoMimic__Worker__Loops", "two")]
    [InlineData("EchoMimic__Worker__HealthPort", "70000")]
    [InlineData("EchoMimic__ServiceBus__MaxDeliveryCount", "-1")]
    [InlineData("EchoMimic__Weights__Pipeline", "fast")]
    [InlineData("EchoMimic__Weights__Demo", "yes")]
    public void Invalid_value_is_named_with_the_value(string variable, string value)
    {
        var env = Bicep();
        env[variable] = value;
        var e = Assert.Throws<InputException>(() => Read(env));
        Assert.Equal(variable, e.Input);
        Assert.Contains(value.ToLowerInvariant(), e.Problem.ToLowerInvariant(), StringComparison.Ordinal);
    }
}
