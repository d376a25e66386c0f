using EchoMimic.Inference.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary>Streaming strict loads from a written checkpoint into a module.</summary>
public sealed class StateDictLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-loader-").FullName;

    private static nn.Module Model(ScalarType dtype) => nn.Sequential(("0", nn.Linear(4, 3, dtype: dtype)), ("1", nn.LayerNorm(3, dtype: dtype)));

    [Theory]
    [InlineData(ScalarType.Float32, false)]
    [InlineData(ScalarType.Float16, false)]
    [InlineData(ScalarType.BFloat16, false)]
    [InlineData(ScalarType.Float32, true)]
    [InlineData(ScalarType.Float16, true)]
    [InlineData(ScalarType.BFloat16, true)]
    public void Fp16_checkpoint_loads_into_a_module_of_any_float_dtype(ScalarType moduleDtype, bool lazy)
    {
        using var source = Model(ScalarType.Float32);
        var path = Path.Combine(_dir, "m.pth");
        var halves = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.Float16));
        TorchZipWriter.Write(path, halves);

        using var target = Model(moduleDtype);
        using var checkpoint = CheckpointReader.Open(path);
        var report = lazy
            ? StateDictLoader.Load(target, checkpoint.LazyStateDict(), sourceName: path)
            : StateDictLoader.Load(target, checkpoint.StateDict(), sourceName: path);
        Assert.Equal(halves.Count, report.Loaded);
        foreach (var (key, half) in halves)
        {
            var loaded = target.state_dict()[key];
            Assert.Equal(moduleDtype, loaded.dtype);
            Assert.True(half.to_type(moduleDtype).equal(loaded).all().item<bool>(), key);
        }
    }

    [Fact]
    public void Lazy_load_reads_straight_into_parameters_of_the_same_dtype()
    {
        using var source = Model(ScalarType.Float32);
        var path = Path.Combine(_dir, "f32.pth");
        TorchZipWriter.Write(path, source.state_dict());
        using var target = Model(ScalarType.Float32);
        using var checkpoint = CheckpointReader.Open(path);
        StateDictLoader.Load(target, checkpoint.LazyStateDict());
        foreach (var (key, value) in source.state_dict())
            Assert.True(value.equal(target.state_dict()[key]).all().item<bool>(), key);
    }

    [Fact]
    public void Meta_module_checks_keys_and_shapes_without_reading_data()
    {
        using var source = Model(ScalarType.Float32);
        var path = Path.Combine(_dir, "meta.pth");
        TorchZipWriter.Write(path, source.state_dict());
        using var meta = nn.Sequential(("0", nn.Linear(4, 3, device: torch.META)), ("1", nn.LayerNorm(3, device: torch.META)));
        using var checkpoint = CheckpointReader.Open(path);
        Assert.Equal(4, StateDictLoader.Load(meta, checkpoint.LazyStateDict()).Loaded);
    }

    [Fact]
    public void Strict_load_names_every_missing_unexpected_and_misshaped_key()
    {
        var path = Path.Combine(_dir, "bad.pth");
        using var w = zeros(3, 5);
        using var extra = zeros(2);
        using var bias = zeros(3);
        TorchZipWriter.Write(path, [new("0.weight", w), new("0.bias", bias), new("2.extra", extra)]);
        using var target = Model(ScalarType.Float32);
        using var checkpoint = CheckpointReader.Open(path);
        var e = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.Load(target, checkpoint.StateDict(), sourceName: path));
        Assert.Equal(["1.bias", "1.weight"], e.Missing.Order(StringComparer.Ordinal));
        Assert.Equal(["2.extra"], e.Unexpected);
        Assert.Single(e.Misshaped);
        Assert.StartsWith("0.weight [3,5]", e.Misshaped[0]);

        using var again = CheckpointReader.Open(path);
        var tolerated = new[] { new ToleratedPrefix("2.", "test: extra keys", ToleratedDifference.Unexpected) };
        e = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.Load(target, again.StateDict(), tolerated));
        Assert.Empty(e.Unexpected);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
