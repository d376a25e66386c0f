using EchoMimic.Inference.DwPose;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>Conversions between fixture tensors and the plain arrays the DWPose stages work on.</summary>
internal static class DwPoseFixtureTensors
{
    public static RgbImage Image(Fixture fixture, string name = "image")
    {
        var t = fixture.Input(name);
        if (t.ndim != 3 || t.shape[2] != 3) throw new InvalidDataException($"input.{name} must be HxWx3 uint8");
        return new RgbImage((int)t.shape[0], (int)t.shape[1], t.to_type(ScalarType.Byte).contiguous().data<byte>().ToArray());
    }

    public static float[] Floats(Fixture fixture, string name) => fixture.Input(name).NumberOfElements == 0 ? [] : fixture.Input(name).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();

    public static Tensor Float32(float[] values, params long[] shape) => tensor(values, shape, ScalarType.Float32);

    public static Tensor Float32(double[] values, params long[] shape) => tensor(values.Select(v => (float)v).ToArray(), shape, ScalarType.Float32);

    /// <summary>Folder of the fixture, where the tiny random-weight ONNX models lie next to it.</summary>
    public static string ModelPath(Fixture fixture, string configKey, string fallback)
    {
        var name = fixture.Config.TryGetProperty(configKey, out var v) ? v.GetString() ?? fallback : fallback;
        return Path.Combine(Path.GetDirectoryName(fixture.Path)!, name);
    }

    public static Tensor Boxes(IReadOnlyList<Detection> detections, bool withScoreAndClass)
    {
        int cols = withScoreAndClass ? 6 : 4;
        var values = new float[detections.Count * cols];
        for (int i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            values[i * cols] = d.X1; values[i * cols + 1] = d.Y1; values[i * cols + 2] = d.X2; values[i * cols + 3] = d.Y2;
            if (withScoreAndClass) { values[i * cols + 4] = d.Score; values[i * cols + 5] = d.Class; }
        }
        return Float32(values, detections.Count, cols);
    }
}
