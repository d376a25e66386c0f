using System.Buffers.Binary;

namespace EchoMimic.Core.Ports;

/// <summary>
/// Latents of consecutive frames in the <see cref="OverlapLatents"/> layout: <see cref="Values"/> holds frame after
/// frame, each (channels, height, width) float32. Read from and written to the worker's <c>.latents</c> files.
/// </summary>
public sealed class LatentClip
{
    public LatentClip(int frames, int channels, int height, int width, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (frames < 0 || channels <= 0 || height <= 0 || width <= 0 || values.Length != (long)frames * channels * height * width)
        {
            throw new ArgumentException($"{values.Length} values do not fill {frames}x{channels}x{height}x{width} latents", nameof(values));
        }

        (Frames, Channels, Height, Width, Values) = (frames, channels, height, width, values);
    }

    public int Frames { get; }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public float[] Values { get; }

    public int FrameSize => Channels * Height * Width;

    public ReadOnlySpan<float> Frame(int frame) => Values.AsSpan(frame * FrameSize, FrameSize);

    /// <summary>Reads an <see cref="OverlapLatents"/> file; a truncated or inconsistent file throws <see cref="InvalidDataException"/>.</summary>
    public static LatentClip Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 16)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes is too short for a latents header");
        }

        var shape = new int[4];
        for (var i = 0; i < 4; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 * i));
        }

        var count = (long)shape[0] * shape[1] * shape[2] * shape[3];
        if (shape.Any(size => size < 0) || 16 + 4 * count != bytes.Length)
        {
            throw new InvalidDataException($"{path}: header {string.Join('x', shape)} does not match its {bytes.Length} bytes");
        }

        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(16 + 4 * i));
        }

        return new LatentClip(shape[0], shape[1], shape[2], shape[3], values);
    }

    public void Write(string path)
    {
        var bytes = new byte[16 + 4L * Values.Length];
        int[] shape = [Frames, Channels, Height, Width];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), shape[i]);
        }

        for (var i = 0; i < Values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(16 + 4 * i), Values[i]);
        }

        File.WriteAllBytes(path, bytes);
    }
}
