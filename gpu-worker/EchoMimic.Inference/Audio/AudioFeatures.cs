using static TorchSharp.torch;

namespace EchoMimic.Inference.Audio;

/// <summary>
/// The whisper features of one whole audio file and its per-video-frame chunks, as
/// <c>src/models/whisper/audio2feature.py</c> (<c>audio2feat</c> + <c>feature2chunks</c>) builds them. Computed once
/// per file (<see cref="AudioFeatureExtractor"/>); any frame range is then a slice (<see cref="Chunks(int, int)"/>),
/// so a segment rendered alone gets exactly the chunks it would get in the whole video.
/// </summary>
public sealed class AudioFeatures : IDisposable
{
    /// <summary>Whisper encoder rows per second of audio (16000 / 160 hop / 2 for conv2's stride), hard-coded officially as 50.</summary>
    public const double RowsPerSecond = 50.0;

    /// <summary>The hard-coded width of <c>reshape(-1, 384)</c> in <c>get_sliced_feature</c> (whisper tiny's state width).</summary>
    public const int ChunkWidth = 384;

    /// <summary>(T, n_layer + 1, d): per encoder row, the embedded input and every block's output (50 rows per second).</summary>
    public Tensor EncoderLayers { get; }

    /// <summary>Video frame rate the chunks are cut for.</summary>
    public double Fps { get; }

    /// <summary><c>audio_feat_length</c> = [left, right]: a frame sees rows centre - 2 left .. centre + 2 right + 1.</summary>
    public (int Left, int Right) FeatLength { get; }

    /// <summary>Feature rows T.</summary>
    public int Rows => (int)EncoderLayers.shape[0];

    /// <summary>Rows of one chunk after the literal <c>reshape(-1, 384)</c> (50 for whisper tiny).</summary>
    public int RowsPerChunk { get; }

    /// <summary>
    /// Chunks <c>feature2chunks</c> produces: it appends chunk i, then stops once <c>int(i * (50. / fps)) &gt; T</c>
    /// (float division first, unlike the centre <c>int(i*50/fps)</c>; the two differ e.g. at fps 29, i = 145), so
    /// there are a few more chunks than the audio has video frames.
    /// </summary>
    public int ChunkCount { get; }

    public AudioFeatures(Tensor encoderLayers, double fps, (int Left, int Right)? featLength = null)
    {
        if (encoderLayers.dim() != 3 || encoderLayers.shape[0] == 0) throw new ArgumentException($"encoder layers must be (T>0, layers, d), got [{string.Join(",", encoderLayers.shape)}]");
        if (!(fps > 0) || double.IsInfinity(fps)) throw new ArgumentOutOfRangeException(nameof(fps), fps, "fps must be a positive number");
        EncoderLayers = encoderLayers;
        Fps = fps;
        FeatLength = featLength ?? (2, 2);
        long values = WindowLength * encoderLayers.shape[1] * encoderLayers.shape[2];
        if (values % ChunkWidth != 0)
            throw new ArgumentException($"a frame's {WindowLength} x {encoderLayers.shape[1]} x {encoderLayers.shape[2]} feature values do not reshape to rows of {ChunkWidth} (the official reshape(-1, 384) would fail too)");
        RowsPerChunk = (int)(values / ChunkWidth);
        ChunkCount = CountChunks(Rows, fps);
    }

    /// <summary>Feature rows per frame window: centre - 2 left .. centre + 2 (right + 1) - 1 (10 for [2, 2]).</summary>
    public int WindowLength => 2 * FeatLength.Left + 2 * (FeatLength.Right + 1);

    /// <summary><c>feature2chunks</c>' loop bound, in its own arithmetic: <c>int(i * (50. / fps))</c>.</summary>
    public static int CountChunks(int rows, double fps)
    {
        double multiplier = RowsPerSecond / fps;
        int i = 0;
        while (true)
        {
            long start = (long)(i * multiplier);
            i++;
            if (start > rows) return i;
        }
    }

    /// <summary><c>get_sliced_feature</c>'s centre row for video frame i: <c>int(i*50/fps)</c> (product first).</summary>
    public int CenterRow(int frame) => (int)(frame * RowsPerSecond / Fps);

    /// <summary>The feature rows (clamped to [0, T-1]) video frame <paramref name="frame"/> is built from.</summary>
    public long[] FrameIndices(int frame)
    {
        int center = CenterRow(frame);
        int first = center - 2 * FeatLength.Left;
        var indices = new long[WindowLength];
        for (int j = 0; j < indices.Length; j++) indices[j] = Math.Clamp(first + j, 0, Rows - 1);
        return indices;
    }

    /// <summary>The chunk of one video frame: its window rows (10, layers, d) flattened row-major into rows of 384.</summary>
    public Tensor Chunk(int frame)
    {
        using var scope = NewDisposeScope();
        var rows = EncoderLayers.index_select(0, tensor(FrameIndices(frame)));
        return rows.reshape(-1, ChunkWidth).MoveToOuterDisposeScope();
    }

    /// <summary>Chunks of frames [start, start + count) as (1, count, rows, 384): the slice of <c>audio_fea_final</c> the pipeline uses.</summary>
    public Tensor Chunks(int start, int count) => Chunks(Enumerable.Range(start, count).ToArray());

    /// <summary>Chunks of the given frames (any order, repeats allowed) as (1, frames, rows, 384).</summary>
    public Tensor Chunks(IReadOnlyList<int> frames)
    {
        foreach (var frame in frames)
            if (frame < 0 || frame >= ChunkCount) throw new ArgumentOutOfRangeException(nameof(frames), frame, $"frame outside the {ChunkCount} audio chunks");
        using var scope = NewDisposeScope();
        var indices = new long[frames.Count * WindowLength];
        for (int f = 0; f < frames.Count; f++) FrameIndices(frames[f]).CopyTo(indices, f * WindowLength);
        var rows = EncoderLayers.index_select(0, tensor(indices));
        return rows.reshape(1, frames.Count, RowsPerChunk, ChunkWidth).MoveToOuterDisposeScope();
    }

    /// <summary>Every chunk: <c>audio_fea_final</c> (1, ChunkCount, rows, 384).</summary>
    public Tensor AllChunks() => Chunks(0, ChunkCount);

    private const int FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "EMAF"u8;

    /// <summary>
    /// Writes the features (fps, window, the float32 encoder stack) so that a job computes them once per file and
    /// every segment reads them back (<see cref="Load"/>) instead of running whisper again.
    /// </summary>
    public void Save(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(Fps);
        writer.Write(FeatLength.Left);
        writer.Write(FeatLength.Right);
        using var data = EncoderLayers.to_type(ScalarType.Float32).cpu().contiguous();
        foreach (var size in data.shape) writer.Write(size);
        writer.Write(data.bytes);
    }

    /// <summary>Reads features written by <see cref="Save"/>.</summary>
    public static AudioFeatures Load(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != FormatVersion)
            throw new InvalidDataException("not an EchoMimic audio features stream (version 1)");
        double fps = reader.ReadDouble();
        var featLength = (reader.ReadInt32(), reader.ReadInt32());
        long[] shape = [reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64()];
        var layers = empty(shape, ScalarType.Float32);
        var bytes = reader.ReadBytes(checked((int)(layers.NumberOfElements * 4)));
        if (bytes.Length != layers.NumberOfElements * 4) throw new InvalidDataException("audio features stream is truncated");
        bytes.CopyTo(layers.bytes);
        return new AudioFeatures(layers, fps, featLength);
    }

    public void Dispose() => EncoderLayers.Dispose();
}
