using System.Text.RegularExpressions;
using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.Networks.Unet;
using EchoMimic.Inference.Networks.Unet3d;
using EchoMimic.Inference.Parity;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests;

/// <summary>The bank transfer between the two UNets, checked against what the official code recorded in the fixtures.</summary>
public sealed partial class ReferenceAttentionControlTests
{
    public static TheoryData<string> ReferenceFixtures => Matching("reference_unet_");
    public static TheoryData<string> DenoisingFixtures => Matching("denoising_unet_");

    [Theory, MemberData(nameof(ReferenceFixtures))]
    public void Writer_bank_lists_blocks_in_named_modules_order(string fixture)
    {
        using var file = Open(fixture);
        using var unet = new ReferenceUNet2D(UNet2DConfig.FromJson(file.Config.GetProperty("reference_unet")), META);
        using var bank = unet.NewBank();
        var expected = file.Outputs.Where(o => o.StartsWith("bank.", StringComparison.Ordinal)).Select(o => o["bank.".Length..^2]).ToArray();
        Assert.Equal(expected, bank.Entries.Select(e => e.Path).ToArray());
    }

    [Theory, MemberData(nameof(ReferenceFixtures))]
    public void Writer_blocks_sort_by_decreasing_width_as_the_fixture_notes_record(string fixture)
    {
        using var file = Open(fixture);
        var recorded = SortedWriterOrder().Match(file.Notes);
        Assert.True(recorded.Success, "the fixture notes do not list the sorted writer order");
        var expected = Regex.Matches(recorded.Groups[1].Value, "'([^']+)'").Select(m => m.Groups[1].Value).ToArray();

        using var writer = new ReferenceUNet2D(UNet2DConfig.FromJson(file.Config.GetProperty("reference_unet")), META);
        using var bank = writer.NewBank();
        // A reader with the writer's structure (the pipeline's case) pairs block k with block k.
        using var reader = new EmoUNet3D(ReaderLike(writer.Config), META);
        var pairs = ReferenceAttentionControl.Pairing(bank, reader);
        Assert.Equal(expected, pairs.Select(p => p.Writer).ToArray());
        Assert.All(pairs, p => Assert.Equal(p.Writer, p.Reader));
    }

    [Theory, MemberData(nameof(DenoisingFixtures))]
    public void Reader_writer_pairing_equals_the_pairing_of_the_official_update(string fixture)
    {
        using var file = Open(fixture);
        var recorded = RecordedPairing().Match(file.Notes);
        Assert.True(recorded.Success, "the fixture notes do not list the update() pairing");
        var expected = recorded.Groups[1].Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(" <- ")).Select(p => (p[0], p[1])).ToArray();

        using var writer = new ReferenceUNet2D(UNet2DConfig.FromJson(file.Config.GetProperty("reference_unet_for_bank")), META);
        using var bank = writer.NewBank();
        using var reader = new EmoUNet3D(EmoUNet3DConfig.FromJson(file.Config.GetProperty("denoising_unet")), META);
        Assert.Equal(expected, ReferenceAttentionControl.Pairing(bank, reader).ToArray());
    }

    [Fact]
    public void Update_hands_the_reader_the_written_bank_as_float16_duplicated_for_cfg()
    {
        using var file = Open("reference_unet_lpb1.safetensors");
        var config = UNet2DConfig.FromJson(file.Config.GetProperty("reference_unet"));
        using var writer = new ReferenceUNet2D(config);
        StateDictLoader.Load(writer, file.StateDict());
        using var bank = writer.WriteBank(file.Input("ref_latents"));
        using var reader = new EmoUNet3D(ReaderLike(config), META);

        using var readerBank = ReferenceAttentionControl.Update(bank, reader, doClassifierFreeGuidance: true);
        Assert.True(readerBank.ClassifierFreeGuidance);
        foreach (var block in reader.ReaderBlocks)
        {
            var tensors = readerBank.For(block.Path);
            var single = Assert.Single(tensors);
            Assert.Equal(ScalarType.Float16, single.dtype);
            using var written = file.Output($"bank.{block.Path}.0");
            Assert.Equal([2, written.shape[1], written.shape[2]], single.shape);
            Assert.True(single[0].allclose(single[1], 0, 0), $"{block.Path}: the CFG halves differ");
            // The official reader sees the float32 LayerNorm1 output rounded to float16 (relative step 2^-11).
            var tolerance = file.ToleranceFor($"bank.{block.Path}.0");
            using var diff = (single[1].to_type(ScalarType.Float32) - written[0]).abs();
            using var bound = written[0].abs() * (tolerance.Rtol + 1.0 / 2048) + tolerance.Atol;
            Assert.True((diff <= bound).all().item<bool>(), $"{block.Path}: max diff {diff.max().item<float>()}");
        }
    }

    [Fact]
    public void Windows_longer_than_the_position_table_are_refused()
    {
        using var file = Open("denoising_unet_5frames.safetensors");
        var config = EmoUNet3DConfig.FromJson(file.Config.GetProperty("denoising_unet"));
        using var unet = new EmoUNet3D(config);
        long frames = config.MotionModule.TemporalPositionEncodingMaxLen + 1;
        using var latents = zeros([2, 4, frames, 8, 8]);
        using var audio = zeros([2, frames, 1, config.CrossAttentionDim]);
        using var timestep = tensor(1L);
        var error = Assert.Throws<ArgumentException>(() => unet.forward(latents, timestep, audio, null, null));
        Assert.Contains("max_len", error.Message);
    }

    /// <summary>The denoising-UNet counterpart of a reference UNet config (same levels, widths and heads).</summary>
    private static EmoUNet3DConfig ReaderLike(UNet2DConfig config) => EmoUNet3DConfig.Official with
    {
        BlockOutChannels = config.BlockOutChannels,
        LayersPerBlock = config.LayersPerBlock[0],
        AttentionHeads = config.AttentionHeads,
        NormNumGroups = config.NormNumGroups,
        MotionModule = MotionModuleConfig.Official with { NumAttentionHeads = 1 },
    };

    private static Fixture Open(string name) =>
        Fixture.TryOpen(FixtureFiles.Require(Path.Combine("networks", name))) ?? throw new InvalidOperationException($"{name} is not a fixture");

    private static TheoryData<string> Matching(string prefix)
    {
        var data = new TheoryData<string>();
        var dir = Path.Combine(FixtureFiles.Root, "networks");
        if (Directory.Exists(dir))
            foreach (var file in Directory.EnumerateFiles(dir, prefix + "*.safetensors").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        if (data.Count == 0) data.Add(prefix + "(none).safetensors");
        return data;
    }

    [GeneratedRegex(@"sorted writer order here = \[([^\]]*)\]")]
    private static partial Regex SortedWriterOrder();

    [GeneratedRegex(@"Pairing used by update\(\) \([^)]*\): (.*?)\. Weights:")]
    private static partial Regex RecordedPairing();
}
