using EchoMimic.Core;
using EchoMimic.Inference.Audio;
using EchoMimic.Inference.Networks.Whisper;
using EchoMimic.Inference.Parity;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Tests;

/// <summary>The audio feature step against the official outputs of the audio_features fixtures, and its documented quirks.</summary>
public sealed class AudioFeatureTests : IDisposable
{
    private readonly AudioTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string> AudioFixtures
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var row in FixtureFiles.Under("pipeline"))
                if (Path.GetFileName(row.Data).StartsWith("audio_features", StringComparison.Ordinal)) data.Add(row.Data);
            if (data.Count == 0) data.Add("(no audio_features fixtures)");
            return data;
        }
    }

    [Theory, MemberData(nameof(AudioFixtures))]
    public void Computed_slaney_filter_bank_equals_whispers_shipped_copy(string relative)
    {
        using var fixture = Fixture.TryOpen(FixtureFiles.Require(relative))!;
        var expected = fixture.Output("mel_filters");
        var tolerance = fixture.ToleranceFor("mel_filters");
        var actual = MelFilterBank.Slaney(16000, 400, (int)expected.shape[0]);
        Assert.Equal(expected.shape, actual.shape);
        var bound = tolerance.Atol + tolerance.Rtol * expected.abs();
        Assert.True(((actual - expected).abs() <= bound).all().item<bool>(), $"max |diff| {(actual - expected).abs().max().item<float>()}");
    }

    [Theory, MemberData(nameof(AudioFixtures))]
    public void Features_extracted_from_a_wav_file_equal_the_official_chunks(string relative)
    {
        using var fixture = Fixture.TryOpen(FixtureFiles.Require(relative))!;
        var dims = WhisperEncoderConfig.FromJson(fixture.Config.GetProperty("whisper_dims"));
        using var encoder = new WhisperAudioEncoder(dims);
        WhisperCheckpoint.LoadEncoder(encoder, fixture.StateDict("whisper."));
        // The fixture's samples are int16/32768 values, so a 16-bit 16 kHz WAV carries them exactly through ffmpeg.
        var wav = _files.Wav("clip.wav", fixture.Input("audio").data<float>().ToArray());
        double fps = fixture.Config.GetProperty("fps").GetDouble();

        using var features = new AudioFeatureExtractor(encoder).Extract(wav, fps, TestContext.Current.CancellationToken);

        var expected = fixture.Output("audio_fea_final");
        Assert.Equal(expected.shape[1], features.ChunkCount);
        AssertClose(expected, features.AllChunks(), fixture.ToleranceFor("audio_fea_final"));
        // A segment rendered alone takes a slice of the same chunks.
        int start = features.ChunkCount / 3, count = Math.Min(12, features.ChunkCount - start);
        AssertClose(expected.narrow(1, start, count), features.Chunks(start, count), fixture.ToleranceFor("audio_fea_final"));
    }

    [Fact]
    public void Chunk_loop_bound_divides_first_while_the_centre_multiplies_first()
    {
        // fps 29, T = 249: int(145 * (50. / 29)) = int(249.99999999999997) = 249 is not > 249, so the official loop goes on
        // to i = 146 (int(251.7) = 251 > 249) and yields 147 chunks; the centre of frame 145 is int(145*50/29) = 250.
        using var features = new AudioFeatures(zeros(249, 5, 384), fps: 29);
        Assert.Equal(147, features.ChunkCount);
        Assert.Equal(250, features.CenterRow(145));
        Assert.Equal(new long[] { 246, 247, 248, 248, 248, 248, 248, 248, 248, 248 }, features.FrameIndices(145));
    }

    [Fact]
    public void Chunk_count_at_24_fps_ends_one_past_the_first_centre_beyond_the_features()
    {
        // T = 65 rows (1.3 s): int(32 * 50/24) = 66 > 65 first at i = 32, which is kept: 33 chunks.
        using var features = new AudioFeatures(zeros(65, 3, 64), fps: 24);
        Assert.Equal(33, features.ChunkCount);
        Assert.Equal(5, features.RowsPerChunk);
        Assert.Equal(new long[] { 0, 0, 0, 0, 0, 1, 2, 3, 4, 5 }, features.FrameIndices(0));
    }

    [Fact]
    public void Saved_features_read_back_give_the_same_chunks()
    {
        using var features = new AudioFeatures(randn(80, 3, 64), fps: 30);
        using var stream = new MemoryStream();
        features.Save(stream);
        stream.Position = 0;
        using var loaded = AudioFeatures.Load(stream);
        Assert.Equal(features.ChunkCount, loaded.ChunkCount);
        Assert.Equal(30, loaded.Fps);
        Assert.True(features.AllChunks().eq(loaded.AllChunks()).all().item<bool>());
    }

    [Fact]
    public void Layer_stack_that_cannot_be_reshaped_to_rows_of_384_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new AudioFeatures(zeros(10, 3, 50), fps: 24));
    }

    [Fact]
    public void Clip_longer_than_30_seconds_is_encoded_in_two_segments_trimmed_to_their_length()
    {
        using var encoder = new WhisperAudioEncoder(new WhisperEncoderConfig { NAudioState = 64, NAudioHead = 2, NAudioLayer = 2 });
        var samples = (randn(16000 * 31 + 480) * 0.1).data<float>().ToArray();
        using var features = new AudioFeatureExtractor(encoder).Extract(samples, 25, cancellationToken: TestContext.Current.CancellationToken);
        // 31.03 s -> 3103 mel frames: segment 1 keeps 3000/2 rows, segment 2 keeps int(103/2) = 51.
        Assert.Equal(1500 + 51, features.Rows);
        Assert.Equal(new long[] { 1551, 3, 64 }, features.EncoderLayers.shape);
    }

    [Fact]
    public void Audio_shorter_than_one_stft_window_is_an_input_error()
    {
        var wav = _files.Wav("click.wav", Enumerable.Repeat(0.25f, 100).ToArray());
        using var encoder = new WhisperAudioEncoder(new WhisperEncoderConfig { NAudioState = 64, NAudioHead = 2, NAudioLayer = 2 });
        var error = Assert.Throws<InputException>(() => new AudioFeatureExtractor(encoder).Extract(wav, 24, TestContext.Current.CancellationToken));
        Assert.Equal(wav, error.Input);
    }

    private static void AssertClose(Tensor expected, Tensor actual, Tolerance tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        var diff = (actual - expected).abs();
        Assert.True((diff <= tolerance.Atol + tolerance.Rtol * expected.abs()).all().item<bool>(), $"max |diff| {diff.max().item<float>()}");
    }
}
