using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using EchoMimic.Inference.Pose;
using EchoMimic.Inference.Samples;

namespace EchoMimic.Cli.Tests.BadInput;

/// <summary>Malformed official pose frames (<c>N.npy</c>), pose folders and <c>.emgesture</c> files.</summary>
internal static class PoseInputs
{
    public static IEnumerable<BadInput> Frames(string folder)
    {
        var frame = GestureLibrary.Breathing(0.25)[0];
        var valid = NpyPoseWriter.Serialize(frame);
        var n = 0;
        BadInput Frame(string name, byte[] bytes, string? accepted = null) => MediaInputs.Write(folder, $"frame-{n++:D3}.npy", name, InputKind.PoseFrame, bytes, accepted);

        yield return Frame("valid frame", valid, "the control case: a frame of the bundled breathing gesture");
        yield return Frame("0-byte frame", []);
        yield return Frame("text named .npy", Encoding.ASCII.GetBytes("garbage"));
        yield return Frame("npy magic only", valid[..6]);
        yield return Frame("npy version 9", Patch(valid, 6, 9));
        yield return Frame("npy header length past the end", PatchUInt16(valid, 8, 0xFFFF));
        yield return Frame("npy v2 header length 2^32-1", [.. valid[..6], 2, 0, 0xFF, 0xFF, 0xFF, 0xFF, .. valid[10..]]);
        foreach (var fraction in new[] { 0.3, 0.6, 0.95 })
            yield return Frame($"frame truncated to {fraction:P0}", valid[..(int)(valid.Length * fraction)]);
        yield return Frame("float array instead of a pickled dict", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", new byte[16]));
        yield return Frame("pickle calling os.system", Npy(ObjectHeader, Encoding.ASCII.GetBytes("cos\nsystem\n(S'echo pwned'\ntR.")));
        yield return Frame("pickle calling builtins.eval", Npy(ObjectHeader, [0x80, 2, .. Encoding.ASCII.GetBytes("cbuiltins\neval\n(X"), 4, 0, 0, 0, .. "1+1"u8, (byte)'t', (byte)'R', (byte)'.']));
        yield return Frame("pickle of a list, not a dict", Npy(ObjectHeader, [0x80, 2, (byte)']', (byte)'.']));
        yield return Frame("pickle of an empty dict", Npy(ObjectHeader, [0x80, 2, (byte)'}', (byte)'.']));
        yield return Frame("pickle with BINBYTES of 2 GiB", Npy(ObjectHeader, [0x80, 2, (byte)'B', 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3]));
        yield return Frame("pickle with a negative length", Npy(ObjectHeader, [0x80, 2, (byte)'X', 0xFF, 0xFF, 0xFF, 0xFF, (byte)'.']));
        yield return Frame("pickle reading a memo entry never stored", Npy(ObjectHeader, [0x80, 2, (byte)'h', 7, (byte)'.']));
        yield return Frame("pickle without STOP", Npy(ObjectHeader, [0x80, 2, (byte)'}']));
        yield return Frame("pickle with an unknown opcode", Npy(ObjectHeader, [0x80, 2, 0xFE, (byte)'.']));

        yield return Frame("hands of shape (3, 21, 2)", Serialize(frame with { Hands = Array([3, 21, 2]) }));
        yield return Frame("hands of shape (2, 20, 2)", Serialize(frame with { Hands = Array([2, 20, 2]) }));
        yield return Frame("hands of shape (84,)", Serialize(frame with { Hands = Array([84]) }));
        yield return Frame("hands scores for 3 hands, coordinates for 2", Serialize(frame with { HandsScore = Array([3, 21]) }));
        yield return Frame("empty hands (0, 21, 2)", Serialize(frame with { Hands = Array([0, 21, 2]), HandsScore = Array([0, 21]) }),
            "a frame in which DWPose found no hands is valid: the official drawing simply draws none");
        yield return Frame("NaN hand coordinate", Serialize(frame with { Hands = WithValue(frame.Hands, 5, double.NaN) }));
        yield return Frame("+Inf hand coordinate", Serialize(frame with { Hands = WithValue(frame.Hands, 0, double.PositiveInfinity) }));
        yield return Frame("-Inf hand score", Serialize(frame with { HandsScore = WithValue(frame.HandsScore, 3, double.NegativeInfinity) }));
        yield return Frame("draw_pose_params of 5 numbers", Serialize(frame with { DrawPoseParams = [768, 768, 0, 768, 0] }));
    }

    public static IEnumerable<BadInput> Folders(string folder)
    {
        var frames = GestureLibrary.Breathing(0.25);
        var n = 0;
        BadInput Poses(string name, IEnumerable<int> numbers, Action<string>? spoil = null, string? accepted = null)
        {
            var path = Path.Combine(folder, $"poses-{n++:D3}");
            Directory.CreateDirectory(path);
            foreach (var i in numbers) File.WriteAllBytes(Path.Combine(path, $"{i}.npy"), NpyPoseWriter.Serialize(frames[i % frames.Count]));
            spoil?.Invoke(path);
            return new BadInput(name, InputKind.PoseFolder, path, accepted);
        }

        yield return Poses("frames 0..5", Enumerable.Range(0, 6), accepted: "the control case");
        yield return Poses("empty folder", []);
        yield return Poses("gap in frame numbers (0, 1, 3)", [0, 1, 3]);
        yield return Poses("frames start at 1", [1, 2, 3]);
        yield return Poses("only frame 1000", [1000]);
        yield return Poses("frame 4 of 6 is garbage", Enumerable.Range(0, 6), p => File.WriteAllText(Path.Combine(p, "4.npy"), "garbage"));
        yield return Poses("frame 0 is a folder", [], p => Directory.CreateDirectory(Path.Combine(p, "0.npy")));
        yield return Poses("frame numbers written 00, 01", [], p =>
        {
            File.WriteAllBytes(Path.Combine(p, "00.npy"), NpyPoseWriter.Serialize(frames[0]));
            File.WriteAllBytes(Path.Combine(p, "01.npy"), NpyPoseWriter.Serialize(frames[1]));
        });
    }

    public static IEnumerable<BadInput> Gestures(string folder)
    {
        var n = 0;
        BadInput Gesture(string name, byte[] bytes, string? accepted = null) => MediaInputs.Write(folder, $"gesture-{n++:D3}.emgesture", name, InputKind.Gesture, bytes, accepted);
        yield return Gesture("valid 6-frame gesture", Emgesture(6, 24, 134), "the control case");
        yield return Gesture("0-byte gesture", []);
        yield return Gesture("not gzip", Encoding.ASCII.GetBytes("EMGEST01 but not compressed"));
        yield return Gesture("gzip of garbage", Gzip(MediaInputs.Noise(300)));
        yield return Gesture("bad magic", Emgesture(6, 24, 134, magic: "EMGEST99"));
        yield return Gesture("frame count 2^31-1, one frame present", Emgesture(1, 24, 134, claimedFrames: int.MaxValue));
        yield return Gesture("negative frame count", Emgesture(1, 24, 134, claimedFrames: -5));
        yield return Gesture("zero frames", Emgesture(0, 24, 134));
        yield return Gesture("fps 0", Emgesture(6, 0, 134));
        yield return Gesture("fps NaN", Emgesture(6, double.NaN, 134));
        yield return Gesture("fps +Inf", Emgesture(6, double.PositiveInfinity, 134));
        yield return Gesture("133 points per frame", Emgesture(6, 24, 133));
        yield return Gesture("2^31-1 points per frame", Emgesture(1, 24, int.MaxValue));
        yield return Gesture("truncated inside frame 3", Gzip(Raw(6, 24, 134)[..(20 + 2 * (1 + 134 * 12) + 100)]));
        yield return Gesture("NaN coordinate", Emgesture(6, 24, 134, spoil: float.NaN));
        yield return Gesture("+Inf coordinate", Emgesture(6, 24, 134, spoil: float.PositiveInfinity));
        yield return Gesture("gzip bomb: 64 MiB of zeros", Gzip(new byte[64 << 20]));
    }

    private const string ObjectHeader = "{'descr': '|O', 'fortran_order': False, 'shape': (), }";

    private static byte[] Npy(string header, byte[] payload)
    {
        var padded = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        bytes.AddRange(BitConverter.GetBytes((ushort)padded.Length));
        bytes.AddRange(Encoding.Latin1.GetBytes(padded));
        bytes.AddRange(payload);
        return [.. bytes];
    }

    private static byte[] Serialize(PoseFrame frame) => NpyPoseWriter.Serialize(frame);

    private static NpyArray Array(int[] shape) => new(Enumerable.Repeat(0.5, shape.Aggregate(1, (a, b) => a * b)).ToArray(), shape);

    private static NpyArray WithValue(NpyArray array, int index, double value)
    {
        var data = array.Data.ToArray();
        data[index] = value;
        return array with { Data = data };
    }

    private static byte[] Patch(byte[] bytes, int at, byte value)
    {
        var copy = bytes.ToArray();
        copy[at] = value;
        return copy;
    }

    private static byte[] PatchUInt16(byte[] bytes, int at, ushort value)
    {
        var copy = bytes.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(at), value);
        return copy;
    }

    /// <summary>The .emgesture layout (docs/gestures.md): magic, int32 frames, float64 fps, int32 points, then per frame a flag and points x (x, y, score).</summary>
    private static byte[] Raw(int frames, double fps, int points, string magic = "EMGEST01", int? claimedFrames = null, float? spoil = null)
    {
        using var output = new MemoryStream();
        using (var writer = new BinaryWriter(output, Encoding.ASCII, leaveOpen: true))
        {
            writer.Write(Encoding.ASCII.GetBytes(magic));
            writer.Write(claimedFrames ?? frames);
            writer.Write(fps);
            writer.Write(points);
            for (var f = 0; f < frames; f++)
            {
                writer.Write((byte)0);
                for (var p = 0; p < Math.Min(points, 134); p++)
                {
                    writer.Write(f == 2 && p == 7 && spoil is { } bad ? bad : 0.5f);
                    writer.Write(0.5f);
                    writer.Write(0.9f);
                }
            }
        }

        return output.ToArray();
    }

    private static byte[] Emgesture(int frames, double fps, int points, string magic = "EMGEST01", int? claimedFrames = null, float? spoil = null) =>
        Gzip(Raw(frames, fps, points, magic, claimedFrames, spoil));

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }
}
