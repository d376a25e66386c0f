using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Torch;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests;

public sealed class TorchPrecisionTests : IDisposable
{
    private readonly string _cpuinfo = Path.Combine(Path.GetTempPath(), $"cpuinfo-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_cpuinfo);

    [Fact]
    public void Cpu_flags_come_from_the_first_processor_entry()
    {
        File.WriteAllText(_cpuinfo, "processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16\n\nprocessor\t: 1\nflags\t\t: fpu\n");
        var flags = TorchPrecision.CpuFlags(_cpuinfo);
        Assert.Contains("avx512_bf16", flags);
        Assert.Contains("avx2", flags);
        Assert.Empty(TorchPrecision.CpuFlags(_cpuinfo + ".absent"));
    }

    [Fact]
    public void Cuda_defaults_to_fp16_and_an_explicit_choice_wins()
    {
        Assert.Equal(Precision.Fp16, TorchPrecision.DefaultFor(new Device(TorchSharp.DeviceType.CUDA, 0)).Precision);
        Assert.NotEqual(Precision.Fp16, TorchPrecision.DefaultFor(CPU).Precision);
        Assert.Equal((Precision.Fp32, "--precision fp32"), TorchPrecision.Resolve(Precision.Fp32, "--precision fp32", CPU));
    }

    [Fact]
    public void Half_precision_models_keep_whisper_in_float32()
    {
        using var models = Pipeline.DemoWeights.Create().ToPrecision(Precision.Bf16);
        Assert.Equal(Precision.Bf16, models.Precision);
        Assert.All(models.DenoisingUnet.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        Assert.All(models.Vae.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        Assert.All(models.Whisper.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }
}
