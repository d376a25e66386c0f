using EchoMimic.Inference.DwPose;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>
/// <c>dwpose_wholebody</c>: dwpose_detector.py <c>DWposeDetector(det, pose, 'cpu')(image)</c> on ONNX Runtime with the
/// tiny random-weight models stored next to the fixture (config model_det / model_pose).
/// </summary>
public sealed class DwPoseWholeBodyCheck : IComponentCheck
{
    public IReadOnlyCollection<string> Components => ["dwpose_wholebody"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture)
    {
        var image = DwPoseFixtureTensors.Image(fixture);
        using var estimator = new DwPoseEstimator(
            DwPoseFixtureTensors.ModelPath(fixture, "model_det", "yolox_tiny_random.onnx"),
            DwPoseFixtureTensors.ModelPath(fixture, "model_pose", "dwpose_tiny_random.onnx"));
        var result = estimator.Detect(image);
        var f = result.Frame;
        int n = f.Persons;
        return new Dictionary<string, Tensor>
        {
            ["bodies_candidate"] = DwPoseFixtureTensors.Float32(f.BodyCandidate, 18 * n, 2),
            ["bodies_subset"] = DwPoseFixtureTensors.Float32(f.BodySubset, n, 18),
            ["bodies_score"] = DwPoseFixtureTensors.Float32(f.BodyScore, n, 18),
            ["hands"] = DwPoseFixtureTensors.Float32(f.Hands, 2 * n, 21, 2),
            ["hands_score"] = DwPoseFixtureTensors.Float32(f.HandsScore, 2 * n, 21),
            ["faces"] = DwPoseFixtureTensors.Float32(f.Faces, n, 68, 2),
            ["faces_score"] = DwPoseFixtureTensors.Float32(f.FacesScore, n, 68),
            ["det_boxes"] = DwPoseFixtureTensors.Boxes(result.Boxes.Persons, withScoreAndClass: false),
            ["keypoints_134"] = DwPoseFixtureTensors.Float32(result.Persons.SelectMany(p => p.Xy).ToArray(), n, PersonPose.Points, 2),
            ["scores_134"] = DwPoseFixtureTensors.Float32(result.Persons.SelectMany(p => p.Scores).ToArray(), n, PersonPose.Points),
        };
    }
}
