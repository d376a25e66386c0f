using EchoMimic.Inference.DwPose;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary><c>dwpose_det_post</c>: onnxdet.py <c>inference_detector</c> after <c>session.run</c>.</summary>
public sealed class DwPoseDetPostCheck : IComponentCheck
{
    public IReadOnlyCollection<string> Components => ["dwpose_det_post"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture)
    {
        var raw = DwPoseFixtureTensors.Floats(fixture, "raw_output");
        float ratio = DwPoseFixtureTensors.Floats(fixture, "ratio")[0];
        var boxes = DetectorDecoder.Decode(raw, ratio);
        return new Dictionary<string, Tensor>
        {
            ["boxes"] = DwPoseFixtureTensors.Boxes(boxes.Persons, withScoreAndClass: false),
            ["nms_dets"] = DwPoseFixtureTensors.Boxes(boxes.NmsSurvivors, withScoreAndClass: true),
        };
    }
}
