using EchoMimic.Inference.DwPose;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary><c>dwpose_pose_pre</c>: onnxpose.py <c>preprocess(img, boxes, (288, 384))</c>.</summary>
public sealed class DwPosePosePreCheck : IComponentCheck
{
    public IReadOnlyCollection<string> Components => ["dwpose_pose_pre"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture)
    {
        var image = DwPoseFixtureTensors.Image(fixture);
        var flat = DwPoseFixtureTensors.Floats(fixture, "boxes");
        var boxes = Enumerable.Range(0, flat.Length / 4).Select(i => ((double)flat[i * 4], (double)flat[i * 4 + 1], (double)flat[i * 4 + 2], (double)flat[i * 4 + 3])).ToList();
        var crops = PoseCrop.FromBoxes(image, boxes);
        int m = crops.Count;
        return new Dictionary<string, Tensor>
        {
            ["pose_input"] = DwPoseFixtureTensors.Float32(crops.SelectMany(c => c.Tensor).ToArray(), m, 3, PoseCrop.InputHeight, PoseCrop.InputWidth),
            ["center"] = DwPoseFixtureTensors.Float32(crops.SelectMany(c => new[] { c.CenterX, c.CenterY }).ToArray(), m, 2),
            ["scale"] = DwPoseFixtureTensors.Float32(crops.SelectMany(c => new[] { c.ScaleW, c.ScaleH }).ToArray(), m, 2),
            ["warp_matrix"] = DwPoseFixtureTensors.Float32(crops.SelectMany(c => c.WarpMatrix).ToArray(), m, 2, 3),
        };
    }
}
