using System.Text;
using EchoMimic.Inference.Parity;

namespace EchoMimic.Inference.Tests;

/// <summary>
/// Parity cannot pass silently: a fixture file that checks nothing (no <c>component</c>, unreadable) fails, and a
/// missing fixture folder skips, or fails under <c>ECHOMIMIC_REQUIRE_FIXTURES=1</c>.
/// </summary>
public sealed class ParityGateTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("parity-gate-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Fixture_without_component_metadata_fails()
    {
        var file = Write("networks/no_component.safetensors", """{"__metadata__":{"format":"echomimic-fixture/1"},"output.y":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4);

        var result = ParityRunner.Discover().Check(file);

        Assert.Equal(ParityStatus.Fail, result.Status);
        Assert.Contains("no `component`", result.Line(_root), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all", 0)]
    [InlineData("""{"output.y":{"dtype":"F32","shape":[1000],"data_offsets":[0,4000]}}""", 4)]
    public void Malformed_safetensors_file_fails_with_a_reason(string header, int dataBytes)
    {
        var file = Write("networks/broken.safetensors", header, dataBytes);

        var result = ParityRunner.Discover().Check(file);

        Assert.Equal(ParityStatus.Fail, result.Status);
        Assert.StartsWith("FAIL networks/broken.safetensors", result.Line(_root), StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_file_fails()
    {
        var file = Path.Combine(_root, "truncated.safetensors");
        File.WriteAllBytes(file, [1, 2, 3]);

        Assert.Equal(ParityStatus.Fail, ParityRunner.Discover().Check(file).Status);
    }

    [Fact]
    public void Checkpoint_samples_folder_is_not_treated_as_fixtures()
    {
        Write("checkpoints/vae/diffusion_pytorch_model.safetensors", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4);
        var fixture = Write("pipeline/x.safetensors", """{"__metadata__":{"component":"x"}}""", 0);

        Assert.Equal([fixture], ParityRunner.FindFixtureFiles(_root));
    }

    [Fact]
    public void Missing_fixture_skips_without_the_requirement_and_fails_with_it()
    {
        var empty = Path.Combine(_root, "no-fixtures-here");

        // The skip itself cannot be observed from inside a test (xunit marks the test skipped once Assert.Skip runs),
        // so the decision is checked, and the failing branch end to end.
        Assert.Equal(MissingData.Skips, RequiredData.Outcome(required: false));
        Assert.Equal(MissingData.Fails, RequiredData.Outcome(required: true));
        Assert.False(RequiredData.IsRequiredBy(null));
        Assert.True(RequiredData.IsRequiredBy("1"));
        var failure = Assert.Throws<Xunit.Sdk.FailException>(() => FixtureFiles.Require("networks/vae_decode_01.safetensors", empty, required: true));
        Assert.Contains(RequiredData.Variable, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Present_fixture_is_returned_either_way()
    {
        var file = Write("networks/present.safetensors", "{}", 0);

        Assert.Equal(file, FixtureFiles.Require("networks/present.safetensors", _root, required: true));
        Assert.Equal(file, FixtureFiles.Require("networks/present.safetensors", _root, required: false));
    }

    private string Write(string relative, string header, int dataBytes)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var json = Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)json.Length));
        stream.Write(json);
        stream.Write(new byte[dataBytes]);
        return path;
    }
}
