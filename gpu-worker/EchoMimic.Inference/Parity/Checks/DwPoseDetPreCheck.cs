using EchoMimic.Inference.DwPose;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary><c>dwpose_det_pre</c>: onnxdet.py <c>preprocess(img, (640, 640))</c>.</summary>
public sealed class DwPoseDetPreCheck : IComponentCheck
{
    public IReadOnlyCollection<string> Components => ["dwpose_det_pre"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture)
    {
        var input = DetectorLetterbox.Apply(DwPoseFixtureTensors.Image(fixture));
        return new Dictionary<string, Tensor>
        {
            ["det_input"] = DwPoseFixtureTensors.Float32(input.Tensor, 1, 3, DetectorLetterbox.Size, DetectorLetterbox.Size),
            ["ratio"] = DwPoseFixtureTensors.Float32([input.Ratio], 1),
        };
    }
}
