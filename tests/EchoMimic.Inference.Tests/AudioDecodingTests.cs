using EchoMimic.Core;
using EchoMimic.Inference.Audio;

namespace EchoMimic.Inference.Tests;

/// <summary>Decoding any ffmpeg-readable input to whisper's 16 kHz mono float32, and the user errors around it.</summary>
public sealed class AudioDecodingTests : IDisposable
{
    private readonly AudioTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Pcm_wav_at_16k_decodes_to_its_exact_samples()
    {
        // ffmpeg's sine source: amplitude 1/8, phase 0.
        var path = _files.Make("sine.wav", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=1", "-c:a", "pcm_s16le");
        var samples = AudioFileDecoder.Decode(path, TestContext.Current.CancellationToken);
        Assert.Equal(16000, samples.Length);
        for (int n = 0; n < samples.Length; n++)
            Assert.True(Math.Abs(samples[n] - 0.125 * Math.Sin(2 * Math.PI * 440 * n / 16000.0)) < 3e-4, $"sample {n}: {samples[n]}");
    }

    [Theory]
    [InlineData("stereo.mp3", "libmp3lame")]
    [InlineData("stereo.ogg", "libvorbis")]
    [InlineData("stereo.flac", "flac")]
    [InlineData("stereo.m4a", "aac")]
    public void Compressed_stereo_at_44k_decodes_to_16k_mono(string name, string codec)
    {
        var path = _files.Make(name, "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=44100:duration=2", "-ac", "2", "-c:a", codec);
        var samples = AudioFileDecoder.Decode(path, TestContext.Current.CancellationToken);
        Assert.InRange(samples.Length, 32000 - 1600, 32000 + 1600); // encoder priming/padding of lossy codecs
        // Both channels carry the 1/8 sine; ffmpeg's -ac 1 downmix weights each by 1/sqrt(2) (-3 dB), like whisper's.
        Assert.InRange(samples.Max(), 0.125f / MathF.Sqrt(2) - 0.008f, 0.125f / MathF.Sqrt(2) + 0.008f);
    }

    [Fact]
    public void The_audio_track_of_a_video_file_is_decoded()
    {
        var path = _files.Make("clip.mp4", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=10:duration=1", "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=48000:duration=1",
            "-c:v", "mpeg4", "-c:a", "aac", "-shortest");
        var samples = AudioFileDecoder.Decode(path, TestContext.Current.CancellationToken);
        Assert.InRange(samples.Length, 16000 - 1600, 16000 + 1600);
    }

    [Fact]
    public void Missing_file_is_an_input_error_naming_it()
    {
        var path = Path.Combine(_files.Folder, "nope.wav");
        var error = Assert.Throws<InputException>(() => AudioFileDecoder.Decode(path, TestContext.Current.CancellationToken));
        Assert.Equal(path, error.Input);
        Assert.Contains("does not exist", error.Problem);
    }

    [Fact]
    public void Zero_byte_file_is_an_input_error()
    {
        var path = Path.Combine(_files.Folder, "empty.wav");
        File.WriteAllBytes(path, []);
        Assert.Equal(path, Assert.Throws<InputException>(() => AudioFileDecoder.Decode(path, TestContext.Current.CancellationToken)).Input);
    }

    [Fact]
    public void Text_file_is_not_audio()
    {
        var path = Path.Combine(_files.Folder, "notes.mp3");
        File.WriteAllText(path, "this is not audio at all, just some text pretending to be an mp3 file\n");
        var error = Assert.Throws<InputException>(() => AudioFileDecoder.Decode(path, TestContext.Current.CancellationToken));
        Assert.Equal(path, error.Input);
    }

    [Fact]
    public void Wav_header_without_samples_is_zero_length_audio()
    {
        var path = _files.Wav("header-only.wav", []);
        var error = Assert.Throws<InputException>(() => AudioFileDecoder.Decode(path, TestContext.Current.CancellationToken));
        Assert.Equal(path, error.Input);
    }

    [Fact]
    public void Silent_audio_is_an_input_error()
    {
        var path = _files.Make("silence.wav", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "2", "-c:a", "pcm_s16le");
        var error = Assert.Throws<InputException>(() => AudioFileDecoder.Decode(path, TestContext.Current.CancellationToken));
        Assert.Equal(path, error.Input);
        Assert.Contains("silent", error.Problem);
    }

    [Fact]
    public void Video_without_audio_track_is_an_input_error()
    {
        var path = _files.Make("mute.mp4", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=10:duration=1", "-c:v", "mpeg4");
        var error = Assert.Throws<InputException>(() => AudioFileDecoder.Decode(path, TestContext.Current.CancellationToken));
        Assert.Equal(path, error.Input);
        Assert.Contains("no audio stream", error.Problem);
    }

    [Fact]
    public void Folder_is_not_an_audio_file()
    {
        Assert.Equal(_files.Folder, Assert.Throws<InputException>(() => AudioFileDecoder.Decode(_files.Folder, TestContext.Current.CancellationToken)).Input);
    }
}
