using EchoMimic.Inference.Checkpoints;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests.Checkpoints;

/// <summary>The synthetic-checkpoint writer (tests, weights check, bench) produces what the reader reads back.</summary>
public sealed class TorchZipWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-writer-").FullName;

    [Fact]
    public void Written_state_dict_reads_back_with_equal_keys_dtypes_and_values()
    {
        var path = Path.Combine(_dir, "state.pth");
        using var f32 = randn(3, 5);
        using var f16 = randn(4, 2).to_type(ScalarType.Float16);
        using var bf16 = randn(7).to_type(ScalarType.BFloat16);
        using var i64 = tensor(new long[] { 1L << 40, -3, 0, 65536 });
        using var scalar = tensor(2.5f);
        using var empty0 = zeros(0, 3);
        var input = new Dictionary<string, Tensor> { ["a.weight"] = f32, ["b.half"] = f16, ["c.bf16"] = bf16, ["d.ids"] = i64, ["e.scalar"] = scalar, ["f.empty"] = empty0 };
        TorchZipWriter.Write(path, input, prefix: "state");

        using var checkpoint = CheckpointReader.Open(path);
        Assert.Equal(CheckpointFormat.TorchZip, checkpoint.Format);
        Assert.Equal("state", checkpoint.Details["zip_prefix"]);
        var read = checkpoint.LazyStateDict().ToList();
        Assert.Equal(input.Keys, read.Select(kv => kv.Key));
        foreach (var (key, lazy) in read)
        {
            using var t = lazy.Materialize();
            Assert.Equal(input[key].dtype, t.dtype);
            Assert.Equal(input[key].shape, t.shape);
            Assert.True(input[key].equal(t).all().item<bool>(), key);
        }
    }

    [Fact]
    public void Views_on_one_storage_keep_offsets_strides_and_sharing()
    {
        var path = Path.Combine(_dir, "views.pth");
        using var values = arange(24, dtype: ScalarType.Float32);
        using (var writer = new TorchZipWriter(path))
        {
            var storage = writer.AddStorage(values);
            writer.AddView("base", storage, 0, [4, 6], [6, 1]);
            writer.AddView("transposed", storage, 0, [6, 4], [1, 6]);
            writer.AddView("row2", storage, 12, [6], [1]);
            writer.AddView("expanded", storage, 3, [5, 2], [0, 1]);
            writer.Finish();
        }
        using var checkpoint = CheckpointReader.Open(path);
        var read = checkpoint.LazyStateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Single(read.Values.Select(t => t.Storage).Distinct());
        using var baseView = values.view(4, 6);
        Check(read["base"], baseView);
        Check(read["transposed"], baseView.t());
        Check(read["row2"], values.narrow(0, 12, 6));
        Check(read["expanded"], values.narrow(0, 3, 2).expand(5, 2));
        Assert.False(read["transposed"].IsContiguous);

        static void Check(LazyTensor lazy, Tensor expected)
        {
            using var t = lazy.Materialize();
            Assert.True(t.is_contiguous());
            Assert.True(expected.equal(t).all().item<bool>());
        }
    }

    [Fact]
    public void Bytes_of_a_narrowed_block_start_at_the_block()
    {
        // LazyTensor and TorchZipWriter copy GB-sized tensors through narrow()ed blocks (spans are int-indexed);
        // that is only right if TorchSharp's bytes span begins at the view's first element.
        using var values = arange(100, dtype: ScalarType.Int32);
        using var block = values.narrow(0, 37, 5);
        var ints = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(block.bytes).ToArray();
        Assert.Equal([37, 38, 39, 40, 41], ints);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
