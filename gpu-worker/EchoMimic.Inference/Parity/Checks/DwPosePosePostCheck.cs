using EchoMimic.Inference.DwPose;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary><c>dwpose_pose_post</c>: onnxpose.py <c>postprocess(outputs, (288, 384), center, scale)</c>.</summary>
public sealed class DwPosePosePostCheck : IComponentCheck
{
    public IReadOnlyCollection<string> Components => ["dwpose_pose_post"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture)
    {
        var simccX = DwPoseFixtureTensors.Floats(fixture, "simcc_x");
        var simccY = DwPoseFixtureTensors.Floats(fixture, "simcc_y");
        var center = DwPoseFixtureTensors.Floats(fixture, "center");
        var scale = DwPoseFixtureTensors.Floats(fixture, "scale");
        int m = center.Length / 2;
        int perX = simccX.Length / m, perY = simccY.Length / m;
        var keypoints = new List<double>();
        var scores = new List<float>();
        for (int i = 0; i < m; i++)
        {
            var (xy, s) = SimccDecoder.Decode(simccX.AsSpan(i * perX, perX), simccY.AsSpan(i * perY, perY), center[i * 2], center[i * 2 + 1], scale[i * 2], scale[i * 2 + 1]);
            keypoints.AddRange(xy);
            scores.AddRange(s);
        }
        return new Dictionary<string, Tensor>
        {
            ["keypoints"] = DwPoseFixtureTensors.Float32(keypoints.ToArray(), m, SimccDecoder.Keypoints, 2),
            ["scores"] = DwPoseFixtureTensors.Float32(scores.ToArray(), m, SimccDecoder.Keypoints),
        };
    }
}
