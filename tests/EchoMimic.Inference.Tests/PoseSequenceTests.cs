using EchoMimic.Core;
using EchoMimic.Inference.Pose;
using EchoMimic.Inference.Samples;

namespace EchoMimic.Inference.Tests;

/// <summary>Reading the official per-frame pose folders (from ../shared at run time) and writing our own.</summary>
public sealed class PoseSequenceTests
{
    private static string OfficialPose(string name)
    {
        var shared = RepositoryRoot.Shared();
        var dir = shared is null ? null : Path.Combine(shared, "samples", "echomimicv2", "pose", name);
        if (dir is null || !Directory.Exists(dir)) RequiredData.Missing("official pose samples are not available (../shared/samples/echomimicv2/pose)");
        return dir;
    }

    [Theory]
    [InlineData("01", 336)]
    [InlineData("fight", 132)]
    [InlineData("salute", 97)]
    public void Official_sequence_reads_every_frame_with_its_documented_layout(string name, int frames)
    {
        // Frame counts, shapes and params as documented in reference/dwpose.md section 8.
        var sequence = NpyPoseReader.ReadFolder(OfficialPose(name));
        Assert.Equal(frames, sequence.Count);
        Assert.All(sequence, f =>
        {
            Assert.Equal([2, 21, 2], f.Hands.Shape);
            Assert.Equal([2, 21], f.HandsScore.Shape);
            Assert.Equal([768, 768, 0, 768, 0, 768], f.DrawPoseParams);
            Assert.Equal([18, 2], f.BodyCandidate.Shape);
            Assert.Equal([1, 68, 2], f.Faces.Shape);
        });
        Assert.Equal(Enumerable.Range(0, frames).Select(i => (long)i), sequence.Select(f => f.Num));
    }

    [Fact]
    public void Written_frame_reads_back_identically()
    {
        var original = NpyPoseReader.ReadFile(Path.Combine(OfficialPose("good"), "10.npy"));
        var copy = NpyPoseReader.Parse(NpyPoseWriter.Serialize(original));
        Assert.Equal(original.Hands.Data, copy.Hands.Data);
        Assert.Equal(original.HandsScore.Data, copy.HandsScore.Data);
        Assert.Equal(original.BodyCandidate.Data, copy.BodyCandidate.Data);
        Assert.Equal(original.BodySubset.Data, copy.BodySubset.Data);
        Assert.Equal(original.Faces.Data, copy.Faces.Data);
        Assert.Equal(original.DrawPoseParams, copy.DrawPoseParams);
        Assert.Equal(original.Num, copy.Num);
    }

    [Fact]
    public void Written_file_has_a_64_byte_aligned_npy_header()
    {
        var bytes = NpyPoseWriter.Serialize(GestureLibrary.Breathing(0.1)[0]);
        Assert.Equal(0x93, bytes[0]);
        int headerLength = bytes[8] | bytes[9] << 8;
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal((byte)'\n', bytes[10 + headerLength - 1]);
    }

    [Fact]
    public void Missing_frame_is_an_input_error_naming_it()
    {
        var dir = Directory.CreateTempSubdirectory("pose-gap").FullName;
        try
        {
            var frames = GestureLibrary.Breathing(0.2);
            NpyPoseWriter.WriteFolder(dir, frames);
            File.Delete(Path.Combine(dir, "2.npy"));
            var e = Assert.Throws<InputException>(() => NpyPoseReader.ReadFolder(dir));
            Assert.Contains("2.npy", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 4, 0, (byte)'{', (byte)'}', (byte)' ', (byte)'\n', 0x80 })]
    public void Malformed_frame_is_an_input_error(byte[] content)
    {
        var dir = Directory.CreateTempSubdirectory("pose-bad").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "0.npy"), content);
            var e = Assert.Throws<InputException>(() => NpyPoseReader.ReadFolder(dir));
            Assert.Contains("0.npy", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Truncated_official_frame_is_an_input_error()
    {
        var bytes = File.ReadAllBytes(Path.Combine(OfficialPose("good"), "0.npy"));
        var dir = Directory.CreateTempSubdirectory("pose-cut").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "0.npy"), bytes[..(bytes.Length / 2)]);
            Assert.Throws<InputException>(() => NpyPoseReader.ReadFolder(dir));
        }
        finally { Directory.Delete(dir, true); }
    }
}
