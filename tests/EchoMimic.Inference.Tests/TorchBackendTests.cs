using EchoMimic.Inference.Torch;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests;

public sealed class TorchBackendTests
{
    [Fact]
    public void Native_backend_loads_and_computes()
    {
        // Fails with TypeInitializationException on Debian 12 unless the build applied the loading fix.
        Assert.StartsWith("2.10", TorchRuntime.LibTorchVersion);
        using var x = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        Assert.Equal(15f, x.sum().item<float>());
    }
}
