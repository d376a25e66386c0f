using System.Buffers.Binary;
using System.Text;
using EchoMimic.Core;

namespace EchoMimic.Inference.Pose;

/// <summary>
/// Reads official pose folders (<c>0.npy, 1.npy, ...</c>: <c>np.save</c> of a dict, a 0-d object array). Problems
/// a user can cause (missing frames, malformed files) are <see cref="InputException"/>s naming the file.
/// </summary>
public static class NpyPoseReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads every frame of a folder; frames must be numbered 0..N-1 without gaps (other files are ignored).</summary>
    public static IReadOnlyList<PoseFrame> ReadFolder(string folder)
    {
        if (!Directory.Exists(folder)) throw new InputException(folder, "pose folder does not exist");
        var numbers = new SortedSet<int>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.npy"))
        {
            var stem = Path.GetFileNameWithoutExtension(file);
            if (int.TryParse(stem, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) numbers.Add(n);
        }
        if (numbers.Count == 0) throw new InputException(folder, "pose folder holds no frames (expected 0.npy, 1.npy, ...)");
        var missing = Enumerable.Range(0, numbers.Max + 1).Where(i => !numbers.Contains(i)).ToArray();
        if (missing.Length > 0)
            throw new InputException(folder, $"pose folder is missing frame(s) {string.Join(", ", missing.Take(10).Select(i => i + ".npy"))}{(missing.Length > 10 ? ", ..." : "")}");
        return Enumerable.Range(0, numbers.Count).Select(i => ReadFile(Path.Combine(folder, $"{i}.npy"))).ToArray();
    }

    public static PoseFrame ReadFile(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InputException(path, $"cannot read pose frame ({e.Message})"); }
        try
        {
            return Parse(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidCastException or OverflowException or KeyNotFoundException or IndexOutOfRangeException or ArgumentException)
        {
            throw new InputException(path, $"malformed pose frame: {e.Message}");
        }
    }

    public static PoseFrame Parse(byte[] bytes)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic)) throw new InvalidDataException("not a .npy file");
        int major = bytes[6];
        int headerLength, headerStart;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)); headerStart = 10; }
        else if (major is 2 or 3) { headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8))); headerStart = 12; }
        else throw new InvalidDataException($"unsupported .npy version {major}");
        if (headerStart + headerLength > bytes.Length) throw new InvalidDataException(".npy header is truncated");
        var header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);
        if (!header.Contains("'|O'", StringComparison.Ordinal)) throw new InvalidDataException("expected a pickled dict (dtype object), found " + header.Trim());
        var value = NpyPickle.Load(bytes, headerStart + headerLength);
        if (value is not Dictionary<string, object?> dict) throw new InvalidDataException("the pickled object is not a dict");
        return FromDict(dict);
    }

    private static PoseFrame FromDict(Dictionary<string, object?> dict)
    {
        // One person gives (2, 21, 2); DWPose on several people stacks all left hands, then all right hands.
        var hands = Array(dict, "hands", -1, PoseFrame.HandPoints, 2);
        var handsScore = Array(dict, "hands_score", hands.Shape[0], PoseFrame.HandPoints);
        if (!dict.TryGetValue("draw_pose_params", out var paramsObject) || paramsObject is not IEnumerable<object?> paramItems)
            throw new InvalidDataException("'draw_pose_params' is missing or not a list");
        var drawParams = paramItems.Select(o => o switch { long l => checked((int)l), double d => (int)d, _ => throw new InvalidDataException("'draw_pose_params' holds a non-number") }).ToArray();
        if (drawParams.Length != 6) throw new InvalidDataException("'draw_pose_params' must hold 6 numbers");
        var bodies = dict.GetValueOrDefault("bodies") as Dictionary<string, object?>;
        return new PoseFrame(
            hands,
            handsScore,
            drawParams,
            bodies?.GetValueOrDefault("candidate") as NpyArray ?? NpyArray.Zeros(18, 2),
            bodies?.GetValueOrDefault("subset") as NpyArray ?? NpyArray.Zeros(1, 18),
            bodies?.GetValueOrDefault("score") as NpyArray ?? NpyArray.Zeros(1, 18),
            dict.GetValueOrDefault("faces") as NpyArray ?? NpyArray.Zeros(1, 68, 2),
            dict.GetValueOrDefault("faces_score") as NpyArray ?? NpyArray.Zeros(1, 68),
            dict.GetValueOrDefault("num") is long num ? num : 0);
    }

    private static NpyArray Array(Dictionary<string, object?> dict, string key, params int[] shape)
    {
        if (!dict.TryGetValue(key, out var value) || value is not NpyArray array) throw new InvalidDataException($"'{key}' is missing or not an array");
        if (array.Shape.Length != shape.Length || array.Shape.Where((n, i) => shape[i] >= 0 && n != shape[i]).Any())
            throw new InvalidDataException($"'{key}' has shape ({string.Join(", ", array.Shape)}), expected ({string.Join(", ", shape)})");
        if (array.Data.Any(v => !double.IsFinite(v))) throw new InvalidDataException($"'{key}' holds NaN or infinite values");
        return array;
    }
}
