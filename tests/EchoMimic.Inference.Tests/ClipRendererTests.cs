using EchoMimic.Inference.Pipeline;

namespace EchoMimic.Inference.Tests;

public sealed class ClipRendererTests
{
    [Fact]
    public void Short_gesture_is_extended_forward_then_backward()
    {
        Assert.Equal([0, 1, 2, 1, 0, 1, 2, 1], GestureSequence.PingPong(3, 8));
        Assert.Equal([0, 0, 0], GestureSequence.PingPong(1, 3));
        Assert.Equal([0, 1, 2, 3], GestureSequence.PingPong(5, 4));
    }

    [Fact]
    public void Failed_write_leaves_no_file_behind()
    {
        var dir = Directory.CreateTempSubdirectory("atomic").FullName;
        try
        {
            var target = Path.Combine(dir, "video.mp4");
            Assert.Throws<OperationCanceledException>(() => ClipRenderer.WriteAtomically(target, temporary =>
            {
                File.WriteAllText(temporary, "half a video");
                throw new OperationCanceledException();
            }));
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Successful_write_appears_only_under_the_final_name()
    {
        var dir = Directory.CreateTempSubdirectory("atomic").FullName;
        try
        {
            var target = Path.Combine(dir, "report.json");
            ClipRenderer.WriteAtomically(target, temporary => File.WriteAllText(temporary, "{}"));
            Assert.Equal([target], Directory.EnumerateFileSystemEntries(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Per_frame_noise_of_a_range_equals_the_same_frames_of_the_whole_clip()
    {
        using var whole = InitialNoise.Latents(NoiseMode.PerFrame, 7, 20, 0, 20, 4, 6);
        using var part = InitialNoise.Latents(NoiseMode.PerFrame, 7, 20, 5, 6, 4, 6);
        Assert.True(whole.narrow(2, 5, 6).eq(part).all().item<bool>());
        Assert.True(part.abs().max().item<float>() <= 1.5f);
        Assert.False(whole.narrow(2, 0, 1).eq(whole.narrow(2, 1, 1)).all().item<bool>());
    }
}
