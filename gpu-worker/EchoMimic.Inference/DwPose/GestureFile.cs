using System.IO.Compression;
using System.Text;
using EchoMimic.Core;

namespace EchoMimic.Inference.DwPose;

/// <summary>
/// Our compact gesture format (<c>.emgesture</c>, docs/gestures.md): one gzip stream holding, little-endian,
/// the magic <c>EMGEST01</c>, int32 frame count, float64 fps, int32 points per frame (134), then per frame one byte
/// (1 = filled by interpolation) and 134 x (float32 x, float32 y, float32 score) in normalised square-frame coordinates.
/// About 5x smaller than the official folder of pickles and a single file to upload.
/// </summary>
public static class GestureFile
{
    public const string Extension = ".emgesture";
    /// <summary>Ten hours at 24 fps: more frames than any speech clip a job takes.</summary>
    public const int MaxFrames = 864_000;

    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("EMGEST01");

    public static void Write(string path, GestureSequence sequence)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        using var writer = new BinaryWriter(gzip);
        writer.Write(Magic);
        writer.Write(sequence.Frames.Count);
        writer.Write(sequence.Fps);
        writer.Write(PersonPose.Points);
        foreach (var frame in sequence.Frames)
        {
            writer.Write((byte)(frame.Interpolated ? 1 : 0));
            for (int p = 0; p < PersonPose.Points; p++)
            {
                writer.Write((float)frame.X(p));
                writer.Write((float)frame.Y(p));
                writer.Write(frame.Scores[p]);
            }
        }
    }

    public static GestureSequence Read(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "gesture file does not exist");
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new BinaryReader(gzip);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new InvalidDataException("not an EchoMimic gesture file (bad magic)");
            int count = reader.ReadInt32();
            double fps = reader.ReadDouble();
            int points = reader.ReadInt32();
            if (count is < 1 or > MaxFrames || points != PersonPose.Points || !(fps > 0) || !double.IsFinite(fps) || fps > 1000)
                throw new InvalidDataException($"bad header (frames {count}, fps {fps}, points {points})");
            // No capacity from the header: the count is a claim, the frames are what the stream really holds.
            var frames = new List<GestureFrame>();
            for (int i = 0; i < count; i++)
            {
                bool interpolated = reader.ReadByte() == 1;
                var xy = new double[points * 2];
                var scores = new float[points];
                for (int p = 0; p < points; p++)
                {
                    xy[p * 2] = reader.ReadSingle();
                    xy[p * 2 + 1] = reader.ReadSingle();
                    scores[p] = reader.ReadSingle();
                }
                if (!xy.All(double.IsFinite) || !scores.All(float.IsFinite))
                    throw new InvalidDataException($"frame {i} holds NaN or infinite coordinates or scores");
                frames.Add(new GestureFrame(xy, scores, interpolated));
            }
            return new GestureSequence(fps, frames);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new InputException(path, "malformed gesture file: " + e.Message);
        }
    }
}
